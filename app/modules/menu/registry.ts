/**
 * The sidebar menu. Modules and apps add their entries here; each entry names the permission it
 * needs (the server filters; the page that the entry links to checks again).
 */
import type { PermissionKey } from "../auth/permission-types";

export interface MenuItem {
  id: string;
  /** i18n key */
  label: string;
  to: string;
  order: number;
  permission?: PermissionKey;
  staffOnly?: boolean;
}

export const menuItems: MenuItem[] = [
  { id: "dashboard", label: "nav.dashboard", to: "/dashboard", order: 10 },
  { id: "characters", label: "nav.characters", to: "/account/characters", order: 20 },
  { id: "tokens", label: "nav.tokens", to: "/account/tokens", order: 30 },
  { id: "audit", label: "nav.audit", to: "/audit", order: 900, permission: "audit.view_auditentry" },
];

export function visibleMenu(user: { permissions: Set<string>; is_staff: boolean; is_superuser: boolean }) {
  return menuItems
    .filter((item) => (!item.permission || user.permissions.has(item.permission)) && (!item.staffOnly || user.is_staff || user.is_superuser))
    .sort((a, b) => a.order - b.order)
    .map(({ id, label, to }) => ({ id, label, to }));
}
