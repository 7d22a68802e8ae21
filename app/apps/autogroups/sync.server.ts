/**
 * Auto-group membership, set-based (behaviour reference §2.3, §3.8). A user belongs to a managed
 * group when some config that manages it lists the user's state, has that kind of group switched
 * on, and the user's main character is in the group's corporation or alliance. One pass computes
 * that for every config and every user in scope in a fixed number of statements:
 *
 * 1. the corporations and alliances that some member now needs a group for and that have none
 *    yet: their groups are created (or an existing group of that name is taken over, as the
 *    original's get_or_create does) with the default group settings, and recorded as managed;
 * 2. memberships of managed groups that nothing justifies any more are removed (state left, main
 *    moved to another corporation or alliance, no main, kind switched off);
 * 3. memberships that are justified and missing are added.
 *
 * Every change gets an audit row per group and reaches the services through servicesNeedSync.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { inIds } from "../../../db/dialect";
import { type Actor, writeAuditMany } from "~/modules/audit/audit.server";
import { ensureGroupSettings } from "~/modules/groups/admin.server";
import { groupBy } from "~/modules/group-by";
import { servicesNeedSync } from "~/modules/services/sync.server";
import { groupName, KINDS, type Kind, type NamingConfig } from "./naming";

type Executor = Kysely<DB> | Transaction<DB>;

/** Users to bring in line: some ids, or everyone. */
export type Scope = readonly number[] | "all";

export interface SyncResult {
  groupsCreated: number;
  added: number;
  removed: number;
}

/** The main character's column a kind of group follows. */
const entityColumn = (kind: Kind) => (kind === "corp" ? "c.corporation_id" : "c.alliance_id") as "c.corporation_id";
const enabledColumn = (kind: Kind) => (kind === "corp" ? "cfg.corp_groups" : "cfg.alliance_groups") as "cfg.corp_groups";

/** Members (u, c = main character) justified in a config `cfg` of this kind through their state. */
function entitled(db: Executor, kind: Kind) {
  return db
    .selectFrom("users as u")
    .innerJoin("eve_characters as c", "c.id", "u.main_character_id")
    .innerJoin("autogroups_config_states as cs", "cs.state_id", "u.state_id")
    .innerJoin("autogroups_configs as cfg", "cfg.id", "cs.config_id")
    .where(enabledColumn(kind), "=", true)
    .where("u.is_active", "=", true);
}

/** Creates the groups members in scope need and that do not exist yet; returns how many were made. */
async function createNeededGroups(db: Executor, kind: Kind, ids: readonly number[] | null): Promise<number> {
  const nameCol = kind === "corp" ? "c.corporation_name" : "c.alliance_name";
  const tickerCol = kind === "corp" ? "c.corporation_ticker" : "c.alliance_ticker";
  let query = entitled(db, kind)
    .select(["cfg.id as configId", `${entityColumn(kind)} as entityId`, `${nameCol} as name`, `${tickerCol} as ticker`])
    .select(["cfg.corp_group_prefix", "cfg.corp_name_source", "cfg.alliance_group_prefix", "cfg.alliance_name_source", "cfg.replace_spaces", "cfg.replace_spaces_with"])
    .distinct()
    .where(entityColumn(kind), "is not", null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("autogroups_managed_groups as m")
            .select("m.group_id")
            .whereRef("m.config_id", "=", "cfg.id")
            .where("m.kind", "=", kind)
            .whereRef("m.entity_id", "=", entityColumn(kind)),
        ),
      ),
    );
  if (ids) query = query.where(inIds(db, "u.id", ids));
  const rows = await query.execute();
  if (rows.length === 0) return 0;
  // One group per (config, entity), even when members' rows disagree on a stale name.
  const wanted = new Map<string, { configId: number; entityId: number; name: string }>();
  for (const r of rows) {
    const key = `${r.configId}:${r.entityId}`;
    if (wanted.has(key)) continue;
    const label = (r.name ?? "") as string;
    wanted.set(key, { configId: r.configId, entityId: Number(r.entityId), name: groupName(r as unknown as NamingConfig, kind, { name: label, ticker: (r.ticker ?? "") as string }) });
  }
  const names = [...new Set([...wanted.values()].map((w) => w.name))];
  const existing = await db.selectFrom("auth_groups").select(["id", "name"]).where("name", "in", names).execute();
  const known = new Set(existing.map((g) => g.name.toLowerCase()));
  const missing = names.filter((n) => !known.has(n.toLowerCase()));
  if (missing.length) {
    await db.insertInto("auth_groups").values(missing.map((name) => ({ name }))).execute();
  }
  const all = missing.length ? await db.selectFrom("auth_groups").select(["id", "name"]).where("name", "in", names).execute() : existing;
  const idByName = new Map(all.map((g) => [g.name.toLowerCase(), g.id]));
  await ensureGroupSettings(db, all.map((g) => g.id));
  await db
    .insertInto("autogroups_managed_groups")
    .values([...wanted.values()].map((w) => ({ config_id: w.configId, kind, entity_id: w.entityId, group_id: idByName.get(w.name.toLowerCase())! })))
    .execute();
  return missing.length;
}

/** The managed-group memberships of users in scope that no config justifies any more: found by difference, deleted by (user, group) pairs. */
async function removeUnjustified(db: Executor, ids: readonly number[] | null) {
  let current = db
    .selectFrom("user_groups as ug")
    .select(["ug.user_id", "ug.group_id"])
    .where("ug.group_id", "in", db.selectFrom("autogroups_managed_groups as mg").select("mg.group_id"));
  if (ids) current = current.where(inIds(db, "ug.user_id", ids));
  const held = await current.execute();
  if (held.length === 0) return held;
  const justified = new Set<string>();
  for (const kind of KINDS) {
    let query = justifiedPairs(db, kind);
    if (ids) query = query.where(inIds(db, "u.id", ids));
    for (const row of await query.execute()) justified.add(`${row.user_id}:${row.group_id}`);
  }
  const rows = held.filter((r) => !justified.has(`${r.user_id}:${r.group_id}`));
  for (let i = 0; i < rows.length; i += 1000) {
    const part = rows.slice(i, i + 1000);
    await db
      .deleteFrom("user_groups")
      .where((eb) => eb(eb.refTuple("user_id", "group_id"), "in", part.map((r) => eb.tuple(r.user_id, r.group_id))))
      .execute();
  }
  return rows;
}

/** Every (user, managed group) pair a config of this kind justifies. */
function justifiedPairs(db: Executor, kind: Kind) {
  return entitled(db, kind)
    .innerJoin("autogroups_managed_groups as m", (join) => join.onRef("m.config_id", "=", "cfg.id").onRef("m.entity_id", "=", entityColumn(kind)))
    .select(["u.id as user_id", "m.group_id"])
    .distinct()
    .where("m.kind", "=", kind);
}

async function addJustified(db: Executor, kind: Kind, ids: readonly number[] | null) {
  let missing = justifiedPairs(db, kind).where((eb) => eb.not(eb.exists(eb.selectFrom("user_groups as ug").select("ug.group_id").whereRef("ug.user_id", "=", "u.id").whereRef("ug.group_id", "=", "m.group_id"))));
  if (ids) missing = missing.where(inIds(db, "u.id", ids));
  const rows = await missing.execute();
  if (rows.length) await db.insertInto("user_groups").columns(["user_id", "group_id"]).expression(missing).execute();
  return rows;
}

/**
 * Whether any config lists a state (without one nothing is justified or created), and whether any
 * group is managed (without one nothing can be removed). One cheap statement: a site without auto
 * groups skips the passes over every user in scope.
 */
async function presence(db: Executor) {
  const row = await db
    .selectNoFrom((eb) => [eb.exists(eb.selectFrom("autogroups_config_states").select("state_id")).as("configs"), eb.exists(eb.selectFrom("autogroups_managed_groups").select("group_id")).as("managed")])
    .executeTakeFirstOrThrow();
  return { configs: truthy(row.configs), managed: truthy(row.managed) };
}

async function syncScope(db: Executor, ids: readonly number[] | null): Promise<SyncResult & { changed: { user_id: number; group_id: number; added: boolean }[] }> {
  const { configs, managed } = await presence(db);
  if (!configs && !managed) return { groupsCreated: 0, added: 0, removed: 0, changed: [] };
  let groupsCreated = 0;
  if (configs) for (const kind of KINDS) groupsCreated += await createNeededGroups(db, kind, ids);
  // Groups created just now have no members yet.
  const removed = managed ? await removeUnjustified(db, ids) : [];
  const added: { user_id: number; group_id: number }[] = [];
  if (configs) {
    // A user may be justified in one group through two kinds only if two configs share it; skip the repeat.
    for (const kind of KINDS) for (const row of await addJustified(db, kind, ids)) added.push(row);
  }
  return {
    groupsCreated,
    added: added.length,
    removed: removed.length,
    changed: [...removed.map((r) => ({ ...r, added: false })), ...added.map((r) => ({ ...r, added: true }))],
  };
}

/**
 * Brings the managed groups of the users in scope in line with every config, in the caller's
 * transaction. `reason` goes into the audit rows.
 */
export async function syncAutogroups(db: Executor, scope: Scope, actor: Actor, reason: string): Promise<SyncResult> {
  if (scope !== "all" && scope.length === 0) return { groupsCreated: 0, added: 0, removed: 0 };
  // One pass for any number of users: the ids go to the database as one list (inIds).
  const { changed, ...total } = await syncScope(db, scope === "all" ? null : [...new Set(scope)]);
  if (changed.length === 0) return total;
  const entries = [...groupBy(changed, (c) => `${c.added ? "+" : "-"}${c.group_id}`).entries()].map(([key, rows]) => {
    const userIds = rows.map((r) => r.user_id).sort((a, b) => a - b);
    return key.startsWith("+")
      ? { action: "autogroups.members_added", targetType: "group", targetId: rows[0].group_id, after: { user_ids: userIds }, reason }
      : { action: "autogroups.members_removed", targetType: "group", targetId: rows[0].group_id, before: { user_ids: userIds }, reason };
  });
  await writeAuditMany(db, actor, entries);
  await servicesNeedSync(db, [...new Set(changed.map((c) => c.user_id))], "groups changed");
  return total;
}

/**
 * Deletes the groups a config manages (of one kind, or all), as the original does when a kind is
 * switched off or the config deleted. A group another config still manages only loses this
 * config's claim. Members' services are told; each deleted group gets an audit row.
 */
export async function deleteManagedGroups(db: Executor, configId: number, kinds: readonly Kind[], actor: Actor, reason: string) {
  if (kinds.length === 0) return 0;
  const rows = await db
    .selectFrom("autogroups_managed_groups as m")
    .innerJoin("auth_groups as g", "g.id", "m.group_id")
    .select(["m.group_id", "g.name"])
    .select((eb) =>
      eb
        .exists(eb.selectFrom("autogroups_managed_groups as o").select("o.group_id").whereRef("o.group_id", "=", "m.group_id").where((o) => o.or([o("o.config_id", "<>", configId), o("o.kind", "not in", kinds)])))
        .as("shared"),
    )
    .where("m.config_id", "=", configId)
    .where("m.kind", "in", kinds)
    .execute();
  await db.deleteFrom("autogroups_managed_groups").where("config_id", "=", configId).where("kind", "in", kinds).execute();
  const doomed = rows.filter((r) => !truthy(r.shared));
  if (doomed.length === 0) return 0;
  const groupIds = doomed.map((r) => r.group_id);
  const members = (await db.selectFrom("user_groups").select("user_id").distinct().where(inIds(db, "group_id", groupIds)).execute()).map((r) => r.user_id);
  await db.deleteFrom("auth_groups").where(inIds(db, "id", groupIds)).execute();
  await writeAuditMany(
    db,
    actor,
    doomed.map((r) => ({ action: "autogroups.group_deleted", targetType: "group", targetId: r.group_id, before: { name: r.name }, reason })),
  );
  await servicesNeedSync(db, [...new Set(members)], "groups changed");
  return doomed.length;
}

/** `exists` comes back as a boolean (PostgreSQL) or 0/1 (MySQL). */
const truthy = (value: unknown) => value === true || Number(value) === 1;

/** Group ids among `groupIds` that a config manages (members cannot join or leave them by hand). */
export async function managedGroupIds(db: Executor, groupIds: readonly number[]): Promise<number[]> {
  if (groupIds.length === 0) return [];
  const rows = await db.selectFrom("autogroups_managed_groups").select("group_id").distinct().where("group_id", "in", [...groupIds]).execute();
  return rows.map((r) => r.group_id);
}
