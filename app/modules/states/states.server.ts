/**
 * States: definition, dry-run preview, saving and deletion (Guest cannot be deleted or renamed),
 * and account activation, all re-evaluating users set-based in the same transaction.
 */
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { usersWithoutPermission } from "../auth/permissions.server";
import { deleteUserSessions } from "../auth/sessions.server";
import { removeUsersWithoutRequestGroupsPermission } from "../groups/membership.server";
import { REQUEST_PERMISSION } from "../groups/queries.server";
import { servicesNeedSync, servicesNeedSyncFor, touchesServiceAccess } from "../services/sync.server";
import { computeStateChanges, GUEST, guestStateId, reevaluateStates, type StateChange } from "./evaluate.server";

type Executor = Kysely<DB> | Transaction<DB>;

const ids = z.array(z.number().int().positive()).max(10_000);

/** A state as an editor submits it. Member lists use EVE ids (characters: EVE character ids). */
export const stateDefinitionSchema = z.object({
  name: z.string().trim().min(1, "states.errors.nameRequired").max(32, "states.errors.nameTooLong"),
  priority: z.number().int("states.errors.priority").min(-1_000_000, "states.errors.priority").max(1_000_000, "states.errors.priority"),
  public: z.boolean(),
  permissionIds: ids.default([]),
  characterIds: ids.default([]),
  corporationIds: ids.default([]),
  allianceIds: ids.default([]),
  factionIds: ids.default([]),
});
export type StateDefinition = z.infer<typeof stateDefinitionSchema>;

export class StateRuleError extends Error {}

export async function listStates(db: Executor) {
  const states = await db.selectFrom("states").selectAll().orderBy("priority", "desc").execute();
  const counts = await db.selectFrom("users").select(["state_id", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("state_id").execute();
  const byState = new Map(counts.map((c) => [c.state_id, Number(c.n)]));
  return states.map((s) => ({ ...s, members: byState.get(s.id) ?? 0, isGuest: s.name === GUEST }));
}

export async function getStateDefinition(db: Executor, stateId: number): Promise<(StateDefinition & { id: number }) | null> {
  const state = await db.selectFrom("states").selectAll().where("id", "=", stateId).executeTakeFirst();
  if (!state) return null;
  const [permissions, characters, corporations, alliances, factions] = await Promise.all([
    db.selectFrom("state_permissions").select("permission_id").where("state_id", "=", stateId).execute(),
    db.selectFrom("state_member_characters as m").innerJoin("eve_characters as c", "c.id", "m.character_id").select("c.character_id").where("m.state_id", "=", stateId).execute(),
    db.selectFrom("state_member_corporations").select("corporation_id").where("state_id", "=", stateId).execute(),
    db.selectFrom("state_member_alliances").select("alliance_id").where("state_id", "=", stateId).execute(),
    db.selectFrom("state_member_factions").select("faction_id").where("state_id", "=", stateId).execute(),
  ]);
  return {
    id: state.id,
    name: state.name,
    priority: state.priority,
    public: state.public,
    permissionIds: permissions.map((p) => p.permission_id),
    characterIds: characters.map((c) => c.character_id),
    corporationIds: corporations.map((c) => c.corporation_id),
    allianceIds: alliances.map((a) => a.alliance_id),
    factionIds: factions.map((f) => f.faction_id),
  };
}

/**
 * The Guest state's rule (as in the original): only its priority and permissions can change. Returns
 * the definition with every other field taken from the stored Guest; other states pass unchanged.
 */
export function withGuestRule(def: StateDefinition, current: Omit<StateDefinition, "priority" | "permissionIds"> | null): StateDefinition {
  if (current?.name !== GUEST) return def;
  return { ...def, name: GUEST, public: current.public, characterIds: current.characterIds, corporationIds: current.corporationIds, allianceIds: current.allianceIds, factionIds: current.factionIds };
}

/** Writes the definition (no evaluation). Unknown member ids are refused with the id named. */
async function writeDefinition(db: Executor, stateId: number | null, def: StateDefinition): Promise<number> {
  const existing = stateId ? await db.selectFrom("states").selectAll().where("id", "=", stateId).executeTakeFirst() : undefined;
  if (stateId && !existing) throw new StateRuleError("states.errors.notFound");
  if (existing?.name === GUEST && def.name !== GUEST) throw new StateRuleError("states.errors.guestRename");
  const clash = await db.selectFrom("states").select(["id", "name", "priority"]).where((eb) => eb.or([eb("name", "=", def.name), eb("priority", "=", def.priority)])).execute();
  for (const other of clash) {
    if (other.id === stateId) continue;
    throw new StateRuleError(other.name === def.name ? "states.errors.nameTaken" : "states.errors.priorityTaken");
  }
  const characters = def.characterIds.length ? await db.selectFrom("eve_characters").select(["id", "character_id"]).where("character_id", "in", def.characterIds).execute() : [];
  const check = async (table: "eve_corporations" | "eve_alliances" | "eve_factions" | "permissions", column: "corporation_id" | "alliance_id" | "faction_id" | "id", wanted: number[]) => {
    if (!wanted.length) return;
    const rows = await db.selectFrom(table as "permissions").select(column as "id").where(column as "id", "in", wanted).execute();
    const found = new Set(rows.map((r) => Number(Object.values(r)[0])));
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length) throw new StateRuleError(`states.errors.unknown.${table}:${missing.slice(0, 5).join(",")}`);
  };
  if (characters.length !== new Set(def.characterIds).size) {
    const known = new Set(characters.map((c) => c.character_id));
    throw new StateRuleError(`states.errors.unknown.eve_characters:${def.characterIds.filter((id) => !known.has(id)).slice(0, 5).join(",")}`);
  }
  await check("eve_corporations", "corporation_id", def.corporationIds);
  await check("eve_alliances", "alliance_id", def.allianceIds);
  await check("eve_factions", "faction_id", def.factionIds);
  await check("permissions", "id", def.permissionIds);

  let id = stateId;
  if (id === null) {
    await db.insertInto("states").values({ name: def.name, priority: def.priority, public: def.public }).execute();
    id = (await db.selectFrom("states").select("id").where("name", "=", def.name).executeTakeFirstOrThrow()).id;
  } else {
    await db.updateTable("states").set({ name: def.name, priority: def.priority, public: def.public }).where("id", "=", id).execute();
  }
  const stateKey = id;
  const replace = async (table: "state_permissions" | "state_member_characters" | "state_member_corporations" | "state_member_alliances" | "state_member_factions", column: string, values: number[]) => {
    await db.deleteFrom(table as "state_permissions").where("state_id", "=", stateKey).execute();
    const unique = [...new Set(values)];
    if (unique.length) await db.insertInto(table).values(unique.map((v) => ({ state_id: stateKey, [column]: v })) as never).execute();
  };
  await replace("state_permissions", "permission_id", def.permissionIds);
  await replace("state_member_characters", "character_id", characters.map((c) => c.id));
  await replace("state_member_corporations", "corporation_id", def.corporationIds);
  await replace("state_member_alliances", "alliance_id", def.allianceIds);
  await replace("state_member_factions", "faction_id", def.factionIds);
  return stateKey;
}

export interface StatePreview {
  gaining: number;
  losing: number;
  sampleGaining: string[];
  sampleLosing: string[];
  changes: StateChange[];
}

function summarise(stateId: number, changes: StateChange[]): StatePreview {
  const gaining = changes.filter((c) => c.to === stateId);
  const losing = changes.filter((c) => c.from === stateId && c.to !== stateId);
  return { gaining: gaining.length, losing: losing.length, sampleGaining: gaining.slice(0, 10).map((c) => c.username), sampleLosing: losing.slice(0, 10).map((c) => c.username), changes };
}

class Rollback extends Error {
  constructor(readonly preview: StatePreview) {
    super("dry run");
  }
}

/** Dry run: applies the definition in a transaction, computes who gains and loses it, rolls back. */
export async function previewStateDefinition(db: Kysely<DB>, stateId: number | null, def: StateDefinition): Promise<StatePreview> {
  try {
    await db.transaction().execute(async (trx) => {
      const id = await writeDefinition(trx, stateId, def);
      throw new Rollback(summarise(id, await computeStateChanges(trx)));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.preview;
    throw error;
  }
  throw new Error("unreachable");
}

/** Saves the definition and applies the re-evaluation it implies, in one transaction. */
export async function saveStateDefinition(db: Kysely<DB>, stateId: number | null, def: StateDefinition, actor: Actor) {
  return db.transaction().execute(async (trx) => {
    const before = stateId ? await getStateDefinition(trx, stateId) : null;
    const id = await writeDefinition(trx, stateId, def);
    await writeAudit(trx, actor, { action: stateId ? "state.change" : "state.create", targetType: "state", targetId: id, before, after: def });
    // The state's holders before the edit, when it drops a permission: whether they keep the state
    // or leave it, those left without groupmanagement.request_groups leave non-public groups.
    const holders = before && before.permissionIds.some((p) => !def.permissionIds.includes(p)) ? (await trx.selectFrom("users").select("id").where("state_id", "=", id).execute()).map((u) => u.id) : [];
    const changes = await reevaluateStates(trx, { actor, reason: `state "${def.name}" ${stateId ? "changed" : "created"}` });
    await removeUsersWithoutRequestGroupsPermission(trx, await usersWithoutPermission(trx, holders, REQUEST_PERMISSION), actor);
    // Holders who kept the state: their services follow a rename and a service access permission change.
    if (before && (before.name !== def.name || (await touchesServiceAccess(trx, before.permissionIds, def.permissionIds)))) {
      await servicesNeedSyncFor(trx, { stateIds: [id] }, `state "${def.name}" changed`);
    }
    return { id, ...summarise(id, changes) };
  });
}

/** Deletes a state; its holders move to their best other state first. Guest cannot be deleted. */
export async function deleteState(db: Kysely<DB>, stateId: number, actor: Actor) {
  return db.transaction().execute(async (trx) => {
    const state = await trx.selectFrom("states").selectAll().where("id", "=", stateId).executeTakeFirst();
    if (!state) throw new StateRuleError("states.errors.notFound");
    if (state.name === GUEST) throw new StateRuleError("states.errors.guestDelete");
    const holders = (await trx.selectFrom("users").select("id").where("state_id", "=", stateId).execute()).map((u) => u.id);
    const before = await getStateDefinition(trx, stateId);
    // Make the state unavailable, move its holders, then delete it.
    await trx.deleteFrom("state_member_characters").where("state_id", "=", stateId).execute();
    await trx.deleteFrom("state_member_corporations").where("state_id", "=", stateId).execute();
    await trx.deleteFrom("state_member_alliances").where("state_id", "=", stateId).execute();
    await trx.deleteFrom("state_member_factions").where("state_id", "=", stateId).execute();
    await trx.updateTable("states").set({ public: false }).where("id", "=", stateId).execute();
    const changes = await reevaluateStates(trx, { userIds: holders, actor, reason: `state "${state.name}" deleted` });
    await trx.deleteFrom("states").where("id", "=", stateId).execute();
    await writeAudit(trx, actor, { action: "state.delete", targetType: "state", targetId: stateId, before });
    return { moved: changes.length };
  });
}

/**
 * Activation and deactivation (the original's is_active flip): deactivated accounts become Guest,
 * lose their sessions and their services; activated ones get their state back.
 */
export async function setUserActive(db: Kysely<DB>, userId: number, active: boolean, actor: Actor) {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom("users").select(["id", "is_active"]).where("id", "=", userId).executeTakeFirst();
    if (!user) throw new StateRuleError("states.errors.userNotFound");
    if (user.is_active === active) return;
    await trx.updateTable("users").set({ is_active: active }).where("id", "=", userId).execute();
    await writeAudit(trx, actor, { action: active ? "user.activate" : "user.deactivate", targetType: "user", targetId: userId, before: { is_active: user.is_active }, after: { is_active: active } });
    if (!active) {
      await deleteUserSessions(trx, userId);
      await trx.updateTable("users").set({ state_id: await guestStateId(trx) }).where("id", "=", userId).execute();
      await servicesNeedSync(trx, [userId], "account deactivated");
    } else {
      await reevaluateStates(trx, { userIds: [userId], actor, reason: "account activated" });
    }
  });
}
