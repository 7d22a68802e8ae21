/**
 * Every resource the admin site manages, in menu order: one explicit list, built here and nowhere
 * else. A feature adds its resource with one line below.
 */
import type { AdminResource } from "../registry.server";
import { alliancesResource, charactersResource, corporationsResource, factionsResource, ownershipRecordsResource, tokensResource } from "./eve.server";
import { groupsResource } from "./groups.server";
import { groupRequestLogsResource, notificationsResource, permissionsResource } from "./records.server";
import { reservedGroupNamesResource } from "./reserved-group-names.server";
import { statesResource } from "./states.server";
import { usersResource } from "./users.server";
import { nameFormatsResource } from "../../services/admin-resource.server";

export const adminResourceList: readonly AdminResource[] = [
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
];

const byKey = new Map(adminResourceList.map((r) => [r.key, r]));

export function adminResources(): readonly AdminResource[] {
  return adminResourceList;
}
export function adminResource(key: string | undefined) {
  return key ? byKey.get(key) : undefined;
}
