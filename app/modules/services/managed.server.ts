/** Names of the remote groups a connector manages: every group name and every state name, sanitised for it. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { ConnectorMeta } from "./meta";

export async function managedGroupNames(db: Kysely<DB>, meta: Pick<ConnectorMeta, "sanitiseGroupName">) {
  const [groups, states] = await Promise.all([db.selectFrom("auth_groups").select("name").execute(), db.selectFrom("states").select("name").execute()]);
  return new Set([...groups, ...states].map((r) => meta.sanitiseGroupName(r.name)).filter(Boolean));
}
