/**
 * The sidebar menu. Modules and apps add their entries here; each entry names the permission it
 * needs, or a server-side check (the server filters; the page the entry links to checks again).
 * `badge` puts a number next to the entry (e.g. pending group requests).
 */
import type { PermissionKey } from "../auth/permission-types";

export interface MenuUser {
  id: number;
  permissions: Set<string>;
  is_staff: boolean;
  is_superuser: boolean;
}

export interface MenuItem {
  id: string;
  /** i18n key */
  label: string;
  to: string;
  order: number;
  permission?: PermissionKey;
  staffOnly?: boolean;
  /** Extra server-side visibility check (may query the database). */
  visible?: (user: MenuUser) => Promise<boolean>;
  badge?: (user: MenuUser) => Promise<number>;
}

export const menuItems: MenuItem[] = [
  { id: "dashboard", label: "nav.dashboard", to: "/dashboard", order: 10 },
  { id: "characters", label: "nav.characters", to: "/account/characters", order: 20 },
  { id: "tokens", label: "nav.tokens", to: "/account/tokens", order: 30 },
  { id: "audit", label: "nav.audit", to: "/audit", order: 900, permission: "audit.view_auditentry" },
  { id: "admin", label: "nav.admin", to: "/admin", order: 1000, staffOnly: true },
];

/** Adds entries (called by feature modules at import time). */
export function registerMenuItems(...items: MenuItem[]) {
  for (const item of items) if (!menuItems.some((m) => m.id === item.id)) menuItems.push(item);
}

export async function visibleMenu(user: MenuUser) {
  const allowed = menuItems.filter((item) => (!item.permission || user.permissions.has(item.permission)) && (!item.staffOnly || user.is_staff || user.is_superuser));
  const checked = await Promise.all(allowed.map(async (item) => ((item.visible ? await item.visible(user) : true) ? item : null)));
  const items = checked.filter((item): item is MenuItem => item !== null).sort((a, b) => a.order - b.order);
  return Promise.all(items.map(async ({ id, label, to, badge }) => ({ id, label, to, badge: badge ? await badge(user) : 0 })));
}
