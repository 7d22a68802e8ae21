/** The sidebar of a layout (member pages, admin): a list of links, the current one highlighted. */
import { NavLink } from "@remix-run/react";
import type { ReactNode } from "react";

export interface SideNavItem {
  id: string;
  to: string;
  /** Already translated. */
  label: string;
  badge?: number;
}

export function SideNav({ label, testId, heading, items }: { label: string; testId: string; heading?: ReactNode; items: SideNavItem[] }) {
  return (
    <nav aria-label={label} className="md:w-56 md:shrink-0">
      {heading}
      <ul className="flex flex-row flex-wrap gap-1 md:flex-col" data-testid={testId}>
        {items.map((item) => (
          <li key={item.id}>
            <NavLink
              to={item.to}
              className={({ isActive }) =>
                `block rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-sky-700 text-white" : "text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800"}`
              }
            >
              {item.label}
              {item.badge ? (
                <span className="ml-2 rounded-full bg-amber-500 px-2 py-0.5 text-xs font-semibold text-white" data-testid={`badge-${item.id}`}>
                  {item.badge}
                </span>
              ) : null}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
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
