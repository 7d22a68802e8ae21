/** Names of the roles the Discord connector manages: every group name and every state name. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { meta } from "./meta";

export async function managedGroupNames(db: Kysely<DB>) {
  const [groups, states] = await Promise.all([db.selectFrom("auth_groups").select("name").execute(), db.selectFrom("states").select("name").execute()]);
  return new Set([...groups, ...states].map((r) => meta.sanitiseGroupName(r.name)));
}
