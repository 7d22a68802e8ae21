/** The sidebar of a layout (member pages, admin): a list of links, the current one highlighted; folders open and close without JavaScript. */
import { NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { Icon } from "./icon";

export interface SideNavItem {
  id: string;
  to: string;
  /** Already translated. */
  label: string;
  badge?: number;
  icon?: string | null;
  /** A link off the site: opens in a new tab. */
  external?: boolean;
  /** A folder's entries (the folder itself links nowhere). */
  children?: SideNavItem[];
}

const linkClass = "flex items-center rounded-md px-3 py-2 text-sm font-medium";
const idleClass = "text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800";

function Badge({ item }: { item: SideNavItem }) {
  return item.badge ? (
    <span className="ml-2 rounded-full bg-amber-500 px-2 py-0.5 text-xs font-semibold text-white" data-testid={`badge-${item.id}`}>
      {item.badge}
    </span>
  ) : null;
}

function Entry({ item }: { item: SideNavItem }) {
  if (item.children) {
    return (
      <details open className="group" data-testid={`menu-folder`} data-id={item.id}>
        <summary className={`${linkClass} ${idleClass} cursor-pointer list-none`}>
          <Icon name={item.icon} />
          {item.label}
          <Badge item={{ ...item, id: item.id }} />
        </summary>
        <ul className="ml-3 flex flex-col gap-1 border-l border-slate-200 pl-2 dark:border-slate-700">
          {item.children.map((child) => (
            <li key={child.id}>
              <Entry item={child} />
            </li>
          ))}
        </ul>
      </details>
    );
  }
  if (item.external) {
    return (
      <a href={item.to} target="_blank" rel="noopener noreferrer" className={`${linkClass} ${idleClass}`} data-menu-id={item.id}>
        <Icon name={item.icon} />
        {item.label}
      </a>
    );
  }
  return (
    <NavLink to={item.to} className={({ isActive }) => `${linkClass} ${isActive ? "bg-sky-700 text-white" : idleClass}`} data-menu-id={item.id}>
      <Icon name={item.icon} />
      {item.label}
      <Badge item={item} />
    </NavLink>
  );
}

/**
 * On a phone the list sits behind a menu button (a checkbox and its label, so it opens without
 * JavaScript) and the page starts with its content; from `md` up it is always shown beside it.
 */
export function SideNav({ label, testId, heading, items }: { label: string; testId: string; heading?: ReactNode; items: SideNavItem[] }) {
  const toggle = `${testId}-toggle`;
  return (
    <div className="md:w-56 md:shrink-0">
      <input type="checkbox" id={toggle} className="peer sr-only md:hidden" data-testid={toggle} />
      <label htmlFor={toggle} className="btn-secondary inline-flex cursor-pointer items-center peer-focus-visible:ring-2 peer-focus-visible:ring-sky-500 md:hidden" data-testid={`${toggle}-label`}>
        <Icon name="menu" />
        {label}
      </label>
      <nav aria-label={label} className="mt-2 hidden peer-checked:block md:mt-0 md:block">
        {heading}
        <ul className="flex flex-col gap-1" data-testid={testId}>
          {items.map((item) => (
            <li key={item.id}>
              <Entry item={item} />
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}

/** A page with the sidebar beside (wide) or above (narrow) its content. */
export function SidebarLayout({ nav, children }: { nav: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 md:flex-row">
      {nav}
      <main className="min-w-0 flex-1">{children}</main>
    </div>
  );
}
