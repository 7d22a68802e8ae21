/**
 * The TeamSpeak side of our data: the server groups mirrored from the server (the original's
 * TSgroup, refreshed by run_ts3_group_update) and the admin's mappings Auth group → server groups
 * and state → server groups, turned into "which server groups should this member hold".
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { meta } from "./meta";
import type { ServerGroup } from "./port.server";

type Executor = Kysely<DB> | Transaction<DB>;

export async function reservedNames(db: Executor) {
  return new Set((await db.selectFrom("reserved_group_names").select("name").execute()).map((r) => r.name.toLowerCase()));
}

/** Mirrors the server's regular groups (type 1) except reserved names; vanished ones go (with their mappings). */
export async function saveServerGroups(db: Kysely<DB>, groups: ServerGroup[]) {
  const reserved = await reservedNames(db);
  const wanted = new Map(groups.filter((g) => g.type === 1 && !reserved.has(g.name.toLowerCase())).map((g) => [g.sgid, g.name.slice(0, 64)]));
  return db.transaction().execute(async (trx) => {
    const have = new Map((await trx.selectFrom("ts3_server_groups").select(["sgid", "name"]).execute()).map((r) => [r.sgid, r.name]));
    const gone = [...have.keys()].filter((sgid) => !wanted.has(sgid));
    const added = [...wanted].filter(([sgid]) => !have.has(sgid));
    const renamed = [...wanted].filter(([sgid, name]) => have.has(sgid) && have.get(sgid) !== name);
    if (gone.length) await trx.deleteFrom("ts3_server_groups").where("sgid", "in", gone).execute();
    if (added.length) await trx.insertInto("ts3_server_groups").values(added.map(([sgid, name]) => ({ sgid, name }))).execute();
    for (const [sgid, name] of renamed) await trx.updateTable("ts3_server_groups").set({ name }).where("sgid", "=", sgid).execute();
    return { groups: wanted.size, added: added.length, removed: gone.length, renamed: renamed.length };
  });
}

export interface GroupPlan {
  /** Sanitised Auth group or state name → the server groups it maps to. */
  byName: Map<string, Set<number>>;
  /** Server groups we add and remove: every mapped group, and groups named after a state. */
  managed: Set<number>;
  reserved: Set<string>;
  names: Map<number, string>;
}

export async function loadGroupPlan(db: Executor): Promise<GroupPlan> {
  const [auth, states, serverGroups, stateNames, reserved] = await Promise.all([
    db
      .selectFrom("ts3_auth_groups as a")
      .innerJoin("auth_groups as g", "g.id", "a.group_id")
      .innerJoin("ts3_auth_group_server_groups as m", "m.auth_ts_id", "a.id")
      .select(["g.name", "m.sgid"])
      .execute(),
    db.selectFrom("ts3_state_groups as sg").innerJoin("states as s", "s.id", "sg.state_id").select(["s.name", "sg.sgid"]).execute(),
    db.selectFrom("ts3_server_groups").select(["sgid", "name"]).execute(),
    db.selectFrom("states").select("name").execute(),
    reservedNames(db),
  ]);
  const byName = new Map<string, Set<number>>();
  const managed = new Set<number>();
  for (const row of [...auth, ...states]) {
    const key = meta.sanitiseGroupName(row.name);
    if (!byName.has(key)) byName.set(key, new Set());
    byName.get(key)!.add(row.sgid);
    managed.add(row.sgid);
  }
  const stateSet = new Set(stateNames.map((s) => meta.sanitiseGroupName(s.name)));
  for (const g of serverGroups) if (stateSet.has(g.name)) managed.add(g.sgid);
  return { byName, managed, reserved, names: new Map(serverGroups.map((g) => [g.sgid, g.name])) };
}

/** The server groups a member with these (sanitised) group names should hold. */
export function wantedGroups(plan: GroupPlan, groupNames: string[]): Set<number> {
  const out = new Set<number>();
  for (const name of groupNames) for (const sgid of plan.byName.get(name) ?? []) out.add(sgid);
  return out;
}

/** What to change: add the wanted groups missing, remove managed groups held but not wanted (never reserved names). */
export function groupChanges(plan: GroupPlan, wanted: Set<number>, held: Map<number, string>, defaults: Set<number>) {
  const add = [...wanted].filter((sgid) => !held.has(sgid) && !defaults.has(sgid));
  const remove = [...held.keys()].filter((sgid) => !wanted.has(sgid) && plan.managed.has(sgid) && !defaults.has(sgid) && !plan.reserved.has((held.get(sgid) || plan.names.get(sgid) || "").toLowerCase()));
  return { add, remove };
}
