/**
 * Name formats (the original's NameFormatConfig): one format per service per state, validated on
 * save, previewed for a chosen user. Saving re-syncs the names of the users in those states.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { connectorMeta } from "../../connectors/catalogue";
import { loadServiceSubjects, ruleFor, nameFormatRules } from "./desired.server";
import { formatServiceName, NameFormatError, validateNameFormat } from "./name-format";
import { servicesNeedSync } from "./sync.server";

export interface NameFormatInput {
  service: string;
  format: string;
  defaultToUsername: boolean;
  stateIds: number[];
}

export class NameFormatRuleError extends Error {
  constructor(
    public readonly field: "service" | "format" | "stateIds" | "previewUserId",
    public readonly key: string,
  ) {
    super(key);
  }
}

export async function getNameFormat(db: Kysely<DB>, id: number): Promise<(NameFormatInput & { id: number }) | null> {
  const row = await db.selectFrom("service_name_formats").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const states = await db.selectFrom("service_name_format_states").select("state_id").where("name_format_id", "=", id).orderBy("state_id").execute();
  return { id: row.id, service: row.service, format: row.format, defaultToUsername: Boolean(row.default_to_username), stateIds: states.map((s) => s.state_id) };
}

function check(input: NameFormatInput) {
  if (!connectorMeta(input.service)) throw new NameFormatRuleError("service", "services.errors.unknownService");
  try {
    validateNameFormat(input.format);
  } catch (error) {
    if (error instanceof NameFormatError) throw new NameFormatRuleError("format", error.code === "unknownKey" ? "services.errors.unknownKey" : "services.errors.badFormat");
    throw error;
  }
}

async function usersInStates(db: Kysely<DB>, stateIds: number[]) {
  if (stateIds.length === 0) return [];
  return (await db.selectFrom("users").select("id").where("state_id", "in", stateIds).execute()).map((r) => r.id);
}

/** Creates (id null) or replaces a format; refuses a state that already has a format for the service. */
export async function saveNameFormat(db: Kysely<DB>, id: number | null, input: NameFormatInput, actor: Actor): Promise<number> {
  check(input);
  return db.transaction().execute(async (trx) => {
    let query = trx.selectFrom("service_name_format_states").select("state_id").where("service", "=", input.service);
    if (input.stateIds.length) query = query.where("state_id", "in", input.stateIds);
    else query = query.where("state_id", "=", -1);
    if (id !== null) query = query.where("name_format_id", "<>", id);
    if ((await query.execute()).length) throw new NameFormatRuleError("stateIds", "services.errors.stateTaken");
    const before = id === null ? null : await getNameFormat(trx as unknown as Kysely<DB>, id);
    let key = id;
    if (key === null) {
      await trx.insertInto("service_name_formats").values({ service: input.service, format: input.format, default_to_username: input.defaultToUsername }).execute();
      key = (await trx.selectFrom("service_name_formats").select("id").where("service", "=", input.service).orderBy("id", "desc").executeTakeFirstOrThrow()).id;
    } else {
      await trx.updateTable("service_name_formats").set({ service: input.service, format: input.format, default_to_username: input.defaultToUsername }).where("id", "=", key).execute();
      await trx.deleteFrom("service_name_format_states").where("name_format_id", "=", key).execute();
    }
    if (input.stateIds.length) await trx.insertInto("service_name_format_states").values(input.stateIds.map((state_id) => ({ name_format_id: key!, service: input.service, state_id }))).execute();
    await writeAudit(trx, actor, { action: id === null ? "service.name_format_created" : "service.name_format_changed", targetType: "name_format", targetId: key, before, after: input });
    const affected = await usersInStates(trx as unknown as Kysely<DB>, [...new Set([...input.stateIds, ...(before?.stateIds ?? [])])]);
    await servicesNeedSync(trx, affected, "name format changed");
    return key;
  });
}

export async function deleteNameFormat(db: Kysely<DB>, id: number, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    const before = await getNameFormat(trx as unknown as Kysely<DB>, id);
    if (!before) return;
    await writeAudit(trx, actor, { action: "service.name_format_deleted", targetType: "name_format", targetId: id, before });
    await trx.deleteFrom("service_name_formats").where("id", "=", id).execute();
    await servicesNeedSync(trx, await usersInStates(trx as unknown as Kysely<DB>, before.stateIds), "name format deleted");
  });
}

/** What `input` would produce for one user (the chosen one, else the first user in one of its states). */
export async function previewNameFormat(db: Kysely<DB>, input: NameFormatInput, userId: number | null) {
  check(input);
  let uid = userId;
  if (uid === null) {
    let q = db.selectFrom("users").select("id").where("main_character_id", "is not", null).orderBy("id").limit(1);
    if (input.stateIds.length) q = q.where("state_id", "in", input.stateIds);
    uid = (await q.executeTakeFirst())?.id ?? null;
  }
  const meta = connectorMeta(input.service)!;
  if (uid === null) return null;
  const subject = (await loadServiceSubjects(db, meta, [uid])).get(uid);
  if (!subject) throw new NameFormatRuleError("previewUserId", "services.errors.unknownUser");
  return { username: subject.username, name: formatServiceName(input.format, subject.nameSubject, meta.sanitiseName, input.defaultToUsername) };
}

/** The name a user has now on a service (for the services page and the admin's account list). */
export async function currentName(db: Kysely<DB>, service: string, userId: number) {
  const meta = connectorMeta(service);
  if (!meta) return null;
  const subject = (await loadServiceSubjects(db, meta, [userId])).get(userId);
  if (!subject) return null;
  const rule = ruleFor(meta, await nameFormatRules(db, service), subject.stateId);
  return formatServiceName(rule.format, subject.nameSubject, meta.sanitiseName, rule.defaultToUsername);
}
