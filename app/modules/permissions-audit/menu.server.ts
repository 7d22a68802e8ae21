/** The sidebar entry of the permissions audit; the pages check the permission again. */
import { registerMenuItems } from "../menu/registry";
import { AUDIT_PERMISSION } from "./audit.server";

registerMenuItems({ id: "permissions-audit", label: "permissions.nav", to: "/permissions", order: 800, permission: AUDIT_PERMISSION });
