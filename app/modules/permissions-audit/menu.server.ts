/** The sidebar entry of the permissions audit; the pages check the permission again. */
import type { MenuItem } from "../menu/types";
import { AUDIT_PERMISSION } from "./audit.server";

export const permissionsAuditMenu: readonly MenuItem[] = [{ id: "permissions-audit", label: "permissions.nav", to: "/permissions", icon: "shield-check", order: 800, permission: AUDIT_PERMISSION }];
