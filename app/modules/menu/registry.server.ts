/**
 * The sidebar menu, built in one place from one list of sources. Nothing registers itself at import
 * time: a feature, a service connector or an app exports its entries (`MenuItem[]`) and gets one
 * line in `menuSources`. See docs/conventions.md.
 */
import { groupsMenu } from "../groups/menu.server";
import { notificationsMenu } from "../notifications/menu.server";
import { permissionsAuditMenu } from "../permissions-audit/menu.server";
import { servicesMenu } from "../services/menu.server";
import { statesMenu } from "../states/menu.server";
import type { Settings } from "~/config.server";
import { allApps, appMenu, enabledApps } from "~/apps/registry.server";
import { getRuntime } from "../runtime.server";
import type { MenuContext, MenuItem, MenuUser } from "./types";

export type { MenuContext, MenuItem, MenuUser } from "./types";

/** The site's own entries (the account pages, the audit log and the admin). */
const coreMenu: readonly MenuItem[] = [
  { id: "dashboard", label: "nav.dashboard", to: "/dashboard", icon: "dashboard", order: 10 },
  { id: "characters", label: "nav.characters", to: "/account/characters", icon: "user", order: 20 },
  { id: "tokens", label: "nav.tokens", to: "/account/tokens", icon: "key", order: 30 },
  { id: "audit", label: "nav.audit", to: "/audit", icon: "scroll", order: 900, permission: "audit.view_auditentry" },
  { id: "admin", label: "nav.admin", to: "/admin", icon: "settings", order: 1000, staffOnly: true },
];

/**
 * Every source of sidebar entries, by module, but the apps': theirs come from the app registry
 * (app/apps/registry.server.ts) when the menu is first built (see `menuItems`).
 */
export const menuSources = {
  core: coreMenu,
  notifications: notificationsMenu,
  groups: groupsMenu,
  states: statesMenu,
  "permissions-audit": permissionsAuditMenu,
  services: servicesMenu,
} satisfies Record<string, readonly MenuItem[]>;

/** The whole menu in sidebar order; an id used twice is a programming error. */
export function buildMenu(sources: Record<string, readonly MenuItem[]>): readonly MenuItem[] {
  const items = Object.values(sources).flat();
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) throw new Error(`menu item "${item.id}" is declared twice`);
    seen.add(item.id);
  }
  return items.sort((a, b) => a.order - b.order);
}

let built: readonly MenuItem[] | undefined;

/** The whole menu, every app's entries included; built on first use (after every app module has loaded). */
export function menuItems(): readonly MenuItem[] {
  return (built ??= buildMenu({ ...menuSources, apps: appMenu(allApps()) }));
}

const menuBySwitches = new Map<string, readonly MenuItem[]>();

/** The menu without the entries of apps these settings switch off (APPS_DISABLED / APPS_ENABLED). */
export function menuItemsFor(settings: Pick<Settings, "APPS_DISABLED" | "APPS_ENABLED">): readonly MenuItem[] {
  const key = `${settings.APPS_DISABLED}|${settings.APPS_ENABLED}`;
  let items = menuBySwitches.get(key);
  if (!items) {
    const on = enabledApps(settings);
    const off = new Set(appMenu(allApps().filter((app) => !on.includes(app))).map((item) => item.id));
    items = menuItems().filter((item) => !off.has(item.id));
    menuBySwitches.set(key, items);
  }
  return items;
}

/** The entries this user may see, with their badges; the checks read `ctx` (by default the process's runtime). */
export async function visibleMenu(user: MenuUser, items: readonly MenuItem[] = menuItems(), given?: MenuContext) {
  // Read only when a check reads it, so a menu without such checks needs no runtime.
  const lazy: MenuContext = given ?? {
    get db() {
      return getRuntime().db;
    },
    get settings() {
      return getRuntime().settings;
    },
  };
  const ctx = () => lazy;
  const allowed = items.filter((item) => (!item.permission || user.permissions.has(item.permission)) && (!item.staffOnly || user.is_staff || user.is_superuser));
  const checked = await Promise.all(allowed.map(async (item) => ((item.visible ? await item.visible(user, ctx()) : true) ? item : null)));
  const visible = checked.filter((item): item is MenuItem => item !== null);
  return Promise.all(visible.map(async ({ id, label, to, icon, badge }) => ({ id, label, to, icon, badge: badge ? await badge(user, ctx()) : 0 })));
}
