import type { PermissionDeclaration } from "./permission-types";

/** The legacy permissions the original creates on `auth.user` (authentication migration 0004). */
export const authPermissions: PermissionDeclaration[] = [
  { appLabel: "auth", codename: "member", name: "Can access member features" },
  { appLabel: "auth", codename: "group_management", name: "Can manage groups and approve group requests" },
  { appLabel: "auth", codename: "jabber_broadcast", name: "Can send jabber broadcasts" },
  { appLabel: "auth", codename: "jabber_broadcast_all", name: "Can send jabber broadcasts to all servers" },
  { appLabel: "auth", codename: "fleetactivitytracking", name: "Can use fleet activity tracking" },
  { appLabel: "auth", codename: "fleetactivitytracking_statistics", name: "Can view fleet activity statistics" },
  { appLabel: "auth", codename: "human_resources", name: "Can review HR applications" },
  { appLabel: "auth", codename: "blue_member", name: "Can access blue member features" },
  { appLabel: "auth", codename: "alliance_apis", name: "Can view alliance APIs" },
  { appLabel: "auth", codename: "corp_apis", name: "Can view corporation APIs" },
  { appLabel: "auth", codename: "timer_management", name: "Can manage structure timers" },
  { appLabel: "auth", codename: "timer_view", name: "Can view structure timers" },
  { appLabel: "auth", codename: "srp_management", name: "Can manage ship replacement" },
  { appLabel: "auth", codename: "signature_management", name: "Can manage signatures" },
  { appLabel: "auth", codename: "signature_view", name: "Can view signatures" },
  { appLabel: "auth", codename: "optimer_management", name: "Can manage fleet operation timers" },
  { appLabel: "auth", codename: "optimer_view", name: "Can view fleet operation timers" },
  { appLabel: "auth", codename: "logging_notifications", name: "Can receive notifications about errors" },
  { appLabel: "auth", codename: "view_user", name: "Can view users" },
  { appLabel: "auth", codename: "add_user", name: "Can add users" },
  { appLabel: "auth", codename: "change_user", name: "Can change users" },
  { appLabel: "auth", codename: "delete_user", name: "Can delete users" },
  { appLabel: "auth", codename: "view_group", name: "Can view groups" },
  { appLabel: "auth", codename: "add_group", name: "Can add groups" },
  { appLabel: "auth", codename: "change_group", name: "Can change groups" },
  { appLabel: "auth", codename: "delete_group", name: "Can delete groups" },
];

export const auditPermissions: PermissionDeclaration[] = [
  { appLabel: "audit", codename: "view_auditentry", name: "Can view the audit trail" },
];

export const statePermissions: PermissionDeclaration[] = [
  { appLabel: "authentication", codename: "view_state", name: "Can view states" },
  { appLabel: "authentication", codename: "add_state", name: "Can add states" },
  { appLabel: "authentication", codename: "change_state", name: "Can change states" },
  { appLabel: "authentication", codename: "delete_state", name: "Can delete states" },
];

export const groupPermissions: PermissionDeclaration[] = [
  { appLabel: "groupmanagement", codename: "request_groups", name: "Can request non-public groups" },
];

export const permissionsToolPermissions: PermissionDeclaration[] = [
  { appLabel: "permissions_tool", codename: "audit_permissions", name: "Can audit permissions" },
];
