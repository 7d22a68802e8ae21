/** Fleet operations: validation, upcoming and past lists, changes (each audited) and op types. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "~/modules/audit/audit.server";
import { formText, parseEveTime } from "~/modules/eve/eve-time";
import type { MainCharacter } from "~/modules/eve/main-character.server";
import { insertReturningId } from "../../../db/dialect";

export const OPTIMER_VIEW = "auth.optimer_view" as const;
export const OPTIMER_MANAGE = "auth.optimer_management" as const;

/** The form's fields; `start` is `YYYY-MM-DDTHH:MM` EVE time, `type_id` an op type's id or "". */
const FIELDS = ["operation_name", "type_id", "doctrine", "system", "location", "start", "duration", "fc", "description"] as const;
export type OpFormValues = Record<(typeof FIELDS)[number], string>;
export type OpErrors = Partial<Record<keyof OpFormValues, string>>;
export type OpInput = Omit<OpFormValues, "type_id" | "start"> & { type_id: number | null; start: Date };

const LIMITS: Record<keyof OpFormValues, number> = { operation_name: 254, type_id: 12, doctrine: 254, system: 254, location: 254, start: 16, duration: 25, fc: 254, description: 10_000 };
const REQUIRED = ["operation_name", "doctrine", "system", "start", "duration", "fc"] as const;

export function readOpForm(form: FormData): OpFormValues {
  return Object.fromEntries(FIELDS.map((f) => [f, formText(form, f)])) as OpFormValues;
}

/** Checks a submitted operation against the known op types. */
export function validateOp(values: OpFormValues, typeIds: readonly number[]): { input: OpInput | null; errors: OpErrors } {
  const errors: OpErrors = {};
  for (const field of FIELDS) if (values[field].length > LIMITS[field]) errors[field] = "optimer.errors.tooLong";
  for (const field of REQUIRED) if (!values[field]) errors[field] = "optimer.errors.required";
  const start = values.start ? parseEveTime(values.start) : null;
  if (values.start && !start) errors.start = "optimer.errors.time";
  const typeId = values.type_id === "" ? null : Number(values.type_id);
  if (typeId !== null && !typeIds.includes(typeId)) errors.type_id = "optimer.errors.type";
  if (Object.keys(errors).length || !start) return { input: null, errors };
  return { input: { ...values, type_id: typeId, start }, errors };
}

function ops(db: Kysely<DB>) {
  return db.selectFrom("optimer_timers as o").leftJoin("optimer_types as t", "t.id", "o.type_id").selectAll("o").select("t.type as type_name");
}

/** Upcoming operations (soonest first) and past ones (latest first, at most `pastLimit`). */
export async function listOps(db: Kysely<DB>, now: Date, pastLimit = 100) {
  const [upcoming, past] = await Promise.all([
    ops(db).where("o.start", ">=", now).orderBy("o.start").orderBy("o.id").execute(),
    ops(db).where("o.start", "<", now).orderBy("o.start", "desc").orderBy("o.id", "desc").limit(pastLimit).execute(),
  ]);
  return { upcoming, past };
}

export function nextOps(db: Kysely<DB>, now: Date, limit = 5) {
  return ops(db).where("o.start", ">=", now).orderBy("o.start").limit(limit).execute();
}

export async function getOp(db: Kysely<DB>, id: number) {
  return (await ops(db).where("o.id", "=", id).executeTakeFirst()) ?? null;
}
export type Op = NonNullable<Awaited<ReturnType<typeof getOp>>>;

export function listOpTypes(db: Kysely<DB>) {
  return db.selectFrom("optimer_types").select(["id", "type"]).orderBy("type").execute();
}

const auditView = (op: OpInput | Op) => ({ ...op, start: op.start.toISOString() });

export async function createOp(db: Kysely<DB>, input: OpInput, author: { userId: number; main: MainCharacter | null }, actor: Actor, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await insertReturningId(trx, "optimer_timers", { ...input, post_time: now, eve_character_id: author.main?.id ?? null, character_name: author.main?.character_name ?? null, user_id: author.userId });
    await writeAudit(trx, actor, { action: "optimer.op_created", targetType: "optimer_timer", targetId: id, after: auditView(input) });
    return id;
  });
}

export async function updateOp(db: Kysely<DB>, current: Op, input: OpInput, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("optimer_timers").set(input).where("id", "=", current.id).execute();
    await writeAudit(trx, actor, { action: "optimer.op_changed", targetType: "optimer_timer", targetId: current.id, before: auditView(current), after: auditView(input) });
  });
}

export async function deleteOp(db: Kysely<DB>, current: Op, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("optimer_timers").where("id", "=", current.id).execute();
    await writeAudit(trx, actor, { action: "optimer.op_deleted", targetType: "optimer_timer", targetId: current.id, before: auditView(current) });
  });
}
