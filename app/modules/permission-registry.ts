/**
 * Every permission the site knows, declared by the modules that check them.
 * A new module adds its list here; `npm run migrate` writes the catalogue to the database.
 */
import { auditPermissions, authPermissions, groupPermissions, permissionsToolPermissions, statePermissions } from "./auth/permissions";
import type { PermissionDeclaration } from "./auth/permission-types";
import { adminPermissions } from "./admin/permissions";
import { servicePermissions } from "../connectors/catalogue";
import { appPermissions } from "../apps/registry.server";
import { ts3AdminPermissions } from "../connectors/teamspeak3/admin-resources.server";

/** Built on first call: the apps' modules may import this one while the app registry is still loading. */
export function permissionCatalogue(): PermissionDeclaration[] {
  return [...authPermissions, ...auditPermissions, ...statePermissions, ...groupPermissions, ...permissionsToolPermissions, ...adminPermissions, ...servicePermissions, ...ts3AdminPermissions, ...appPermissions()];
}
