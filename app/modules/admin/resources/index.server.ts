/**
 * Every resource the admin site manages, in menu order: one explicit list, built here and nowhere
 * else. A feature adds its resource with one line below.
 */
import type { AdminResource } from "../registry.server";
import { appAdminResources } from "~/apps/registry.server";
import { alliancesResource, charactersResource, corporationsResource, factionsResource, ownershipRecordsResource, tokensResource } from "./eve.server";
import { groupsResource } from "./groups.server";
import { groupRequestLogsResource, notificationsResource, permissionsResource } from "./records.server";
import { reservedGroupNamesResource } from "./reserved-group-names.server";
import { statesResource } from "./states.server";
import { usersResource } from "./users.server";
import { menuResource } from "../../menu/admin-resource.server";
import { nameFormatsResource } from "../../services/admin-resource.server";
import { ts3AuthGroupsResource, ts3StateGroupsResource } from "../../../connectors/teamspeak3/admin-resources.server";

/** The core's resources; the apps' follow them (see `adminResources`). */
const coreResources: readonly AdminResource[] = [
  usersResource,
  statesResource,
  groupsResource,
  reservedGroupNamesResource,
  charactersResource,
  corporationsResource,
  alliancesResource,
  factionsResource,
  ownershipRecordsResource,
  tokensResource,
  notificationsResource,
  groupRequestLogsResource,
  permissionsResource,
  nameFormatsResource,
  ts3AuthGroupsResource,
  ts3StateGroupsResource,
  menuResource,
];

let list: readonly AdminResource[] | undefined;
let byKey: Map<string, AdminResource> | undefined;

/**
 * Every admin resource: the core's, then each app's (enabled or not: an app switched off keeps its
 * data manageable). Built on first use, as the app registry is read after every module has loaded.
 */
export function adminResources(): readonly AdminResource[] {
  if (!list) {
    list = [...coreResources, ...appAdminResources()];
    byKey = new Map();
    for (const r of list) {
      if (byKey.has(r.key)) throw new Error(`admin resource "${r.key}" is declared twice`);
      byKey.set(r.key, r);
    }
  }
  return list;
}
export function adminResource(key: string | undefined) {
  adminResources();
  return key ? byKey!.get(key) : undefined;
}
