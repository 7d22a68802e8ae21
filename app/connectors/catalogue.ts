/**
 * The original's nine services, as metadata (client-safe). Their access permissions are declared
 * from here even before a connector is implemented, so grants can be prepared in advance.
 * Adding a service: a folder with meta.ts (and connector.server.ts), one line here and one in
 * registry.server.ts.
 */
import type { PermissionDeclaration } from "~/modules/auth/permission-types";
import type { ConnectorMeta } from "~/modules/services/meta";
import { meta as discord } from "./discord/meta";
import { meta as discourse } from "./discourse/meta";
import { meta as ips4 } from "./ips4/meta";
import { meta as mumble } from "./mumble/meta";
import { meta as openfire } from "./openfire/meta";
import { meta as phpbb3 } from "./phpbb3/meta";
import { meta as smf } from "./smf/meta";
import { meta as teamspeak3 } from "./teamspeak3/meta";
import { meta as xenforo } from "./xenforo/meta";

export const connectorCatalogue: readonly ConnectorMeta[] = [discord, discourse, ips4, mumble, openfire, phpbb3, smf, teamspeak3, xenforo];

export function connectorMeta(id: string): ConnectorMeta | undefined {
  return connectorCatalogue.find((m) => m.id === id);
}

/** Access permissions of the nine services, and the admin's permissions on name formats. */
export const servicePermissions: PermissionDeclaration[] = [
  ...connectorCatalogue.map((m) => m.accessPermission),
  ...(["view", "add", "change", "delete"] as const).map((verb) => ({ appLabel: "services", codename: `${verb}_nameformatconfig`, name: `Can ${verb} name format config` })),
];
