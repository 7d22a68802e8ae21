/** The sidebar entries of group management ("Groups" 25, "Group Management" 50 with the pending-request badge). */
import type { MenuItem } from "../menu/types";
import { canManageGroups, pendingRequestsCount } from "./queries.server";

export const groupsMenu: readonly MenuItem[] = [
  { id: "groups", label: "groups.menu.groups", to: "/groups", icon: "users", order: 25 },
  {
    id: "group-management",
    label: "groups.menu.management",
    to: "/group/management",
    icon: "shield",
    order: 50,
    visible: (user, { db, memo }) => canManageGroups(db, user, memo),
    badge: (user, { db, memo }) => pendingRequestsCount(db, user, memo),
  },
];
