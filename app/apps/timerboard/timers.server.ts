/** Structure timers: validation, visibility (corporation-only timers) and changes, each audited. */
import type { Kysely, Selectable } from "kysely";
import type { DB, TimerboardTimersTable } from "../../../db/schema";
import { type Actor, writeAudit } from "~/modules/audit/audit.server";
import { formText, parseEveTime } from "~/modules/eve/eve-time";
import type { MainCharacter } from "~/modules/eve/main-character.server";
import { insertReturningId } from "../../../db/dialect";
import { OBJECTIVES, type Objective, STRUCTURES, TIMER_TYPES, type TimerType } from "./choices";

export type Timer = Selectable<TimerboardTimersTable>;

/** The form's text fields; `eve_time` is `YYYY-MM-DDTHH:MM` EVE time (a datetime-local field read as UTC). */
const TEXT_FIELDS = ["details", "system", "planet_moon", "structure", "timer_type", "objective", "eve_time", "days_left", "hours_left", "minutes_left"] as const;

/** The form's fields as submitted (checkboxes as booleans): re-shown beside any errors. */
export type TimerFormValues = Record<(typeof TEXT_FIELDS)[number], string> & { important: boolean; corp_timer: boolean };

export interface TimerInput {
  details: string;
  system: string;
  planet_moon: string;
  structure: string;
  timer_type: TimerType;
  objective: Objective;
  eve_time: Date;
  important: boolean;
  corp_timer: boolean;
}

export type Errors = Partial<Record<keyof TimerFormValues, string>>;

/** The submitted form's values (checked by `validateTimer`). */
export function readTimerForm(form: FormData): TimerFormValues {
  const values = Object.fromEntries(TEXT_FIELDS.map((f) => [f, formText(form, f)])) as Omit<TimerFormValues, "important" | "corp_timer">;
  return { ...values, important: form.get("important") === "on", corp_timer: form.get("corp_timer") === "on" };
}

function count(value: string, max: number): number | null | "bad" {
  if (value === "") return null;
  if (!/^\d{1,4}$/.test(value)) return "bad";
  const n = Number(value);
  return n <= max ? n : "bad";
}

/**
 * Checks a submitted timer. The time is either counted from now (days, hours, minutes remaining, as
 * the original's form) or an absolute EVE time; a corporation-only timer needs the author's main
 * character (its corporation is the one that sees it).
 */
export function validateTimer(values: TimerFormValues, now: Date, author: MainCharacter | null): { input: TimerInput | null; errors: Errors } {
  const errors: Errors = {};
  for (const field of ["details", "system"] as const) if (!values[field]) errors[field] = "timerboard.errors.required";
  for (const field of ["details", "system", "planet_moon"] as const) if (values[field].length > 254) errors[field] = "timerboard.errors.tooLong";
  if (!(STRUCTURES as readonly string[]).includes(values.structure)) errors.structure = "timerboard.errors.choice";
  if (!(TIMER_TYPES as readonly string[]).includes(values.timer_type)) errors.timer_type = "timerboard.errors.choice";
  if (!(OBJECTIVES as readonly string[]).includes(values.objective)) errors.objective = "timerboard.errors.choice";
  const days = count(values.days_left, 3650);
  const hours = count(values.hours_left, 23);
  const minutes = count(values.minutes_left, 59);
  if (days === "bad") errors.days_left = "timerboard.errors.range";
  if (hours === "bad") errors.hours_left = "timerboard.errors.range";
  if (minutes === "bad") errors.minutes_left = "timerboard.errors.range";
  let eveTime: Date | null = null;
  const relative = [days, hours, minutes].some((n) => typeof n === "number" && n > 0);
  if (relative && days !== "bad" && hours !== "bad" && minutes !== "bad") {
    eveTime = new Date(now.getTime() + (((days ?? 0) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60_000);
  } else if (!relative && values.eve_time) {
    eveTime = parseEveTime(values.eve_time);
    if (!eveTime) errors.eve_time = "timerboard.errors.time";
  } else if (!relative && !errors.days_left && !errors.hours_left && !errors.minutes_left) {
    errors.eve_time = "timerboard.errors.timeNeeded";
  }
  if (values.corp_timer && !author) errors.corp_timer = "timerboard.errors.corpNeedsMain";
  if (Object.keys(errors).length || !eveTime) return { input: null, errors };
  const { details, system, planet_moon, important, corp_timer } = values;
  return { input: { details, system, planet_moon, structure: values.structure, timer_type: values.timer_type as TimerType, objective: values.objective as Objective, eve_time: eveTime, important, corp_timer }, errors };
}

/** Timers this viewer may see: every public timer and their own corporation's corp-only ones. */
function visible(db: Kysely<DB>, corporationId: number | null) {
  return db
    .selectFrom("timerboard_timers")
    .selectAll()
    .where((eb) => (corporationId === null ? eb("corp_timer", "=", false) : eb.or([eb("corp_timer", "=", false), eb("corporation_id", "=", corporationId)])));
}

/** Upcoming timers (soonest first) and past ones (latest first, at most `pastLimit`). */
export async function listTimers(db: Kysely<DB>, corporationId: number | null, now: Date, pastLimit = 100) {
  const [current, past] = await Promise.all([
    visible(db, corporationId).where("eve_time", ">=", now).orderBy("eve_time").orderBy("id").execute(),
    visible(db, corporationId).where("eve_time", "<", now).orderBy("eve_time", "desc").orderBy("id", "desc").limit(pastLimit).execute(),
  ]);
  return { current, past };
}

/** The next few timers, for the dashboard. */
export function upcomingTimers(db: Kysely<DB>, corporationId: number | null, now: Date, limit = 5) {
  return visible(db, corporationId).where("eve_time", ">=", now).orderBy("eve_time").limit(limit).execute();
}

/** One timer, if this viewer may see it. */
export async function getTimer(db: Kysely<DB>, id: number, corporationId: number | null): Promise<Timer | null> {
  return (await visible(db, corporationId).where("id", "=", id).executeTakeFirst()) ?? null;
}

const auditView = (t: TimerInput | Timer) => ({ ...t, eve_time: t.eve_time.toISOString() });

export async function createTimer(db: Kysely<DB>, input: TimerInput, author: { userId: number; main: MainCharacter | null }, actor: Actor, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = {
      ...input,
      eve_character_id: author.main?.id ?? null,
      character_name: author.main?.character_name ?? null,
      corporation_id: author.main?.corporation_id ?? null,
      corporation_name: author.main?.corporation_name ?? null,
      user_id: author.userId,
      created_at: now,
    };
    const id = await insertReturningId(trx, "timerboard_timers", row);
    await writeAudit(trx, actor, { action: "timerboard.timer_created", targetType: "timerboard_timer", targetId: id, after: auditView(input) });
    return id;
  });
}

/** Saves changes; a corporation-only timer stays with the corporation it was made for. */
export async function updateTimer(db: Kysely<DB>, current: Timer, input: TimerInput, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("timerboard_timers").set(input).where("id", "=", current.id).execute();
    await writeAudit(trx, actor, { action: "timerboard.timer_changed", targetType: "timerboard_timer", targetId: current.id, before: auditView(current), after: auditView(input) });
  });
}

export async function deleteTimer(db: Kysely<DB>, current: Timer, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("timerboard_timers").where("id", "=", current.id).execute();
    await writeAudit(trx, actor, { action: "timerboard.timer_deleted", targetType: "timerboard_timer", targetId: current.id, before: auditView(current) });
  });
}
