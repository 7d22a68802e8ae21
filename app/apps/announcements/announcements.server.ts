/**
 * Announcements: messages for everyone or for members of some states or groups, shown on the
 * dashboard inside a time window until each member dismisses them. Plain functions over the
 * database; the admin resource (admin-resource.server.ts) writes them with audit rows.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { precompiled } from "../../../db/precompiled";
import { insertReturningId, writeAudit, type Actor } from "../plugin-api.server";

export const ANNOUNCEMENT_LEVELS = ["info", "success", "warning", "danger"] as const;
export type AnnouncementLevel = (typeof ANNOUNCEMENT_LEVELS)[number];

export interface AnnouncementInput {
  title: string;
  message: string;
  level: AnnouncementLevel;
  startsAt: Date;
  endsAt: Date | null;
  stateIds: number[];
  groupIds: number[];
}

export interface ActiveAnnouncement {
  id: number;
  title: string;
  message: string;
  level: AnnouncementLevel;
  startsAt: string;
  endsAt: string | null;
}

/** What this member sees now: in its window, not dismissed, untargeted or aimed at their state or one of their groups. */
export async function activeAnnouncementsFor(db: Kysely<DB>, userId: number, now = new Date()): Promise<ActiveAnnouncement[]> {
  if (await noneCanShow(db, now)) return [];
  const rows = await activeAnnouncements.execute(db, { userId, now });
  return rows.map((r) => ({ id: r.id, title: r.title, message: r.message, level: r.level, startsAt: new Date(r.starts_at).toISOString(), endsAt: r.ends_at ? new Date(r.ends_at).toISOString() : null }));
}

/**
 * How long a process trusts what it read of the site's announcement windows. Its own writes (the
 * functions below) forget it at once; an announcement another process posts shows here within this
 * time (decision 0066).
 */
const WINDOWS_TTL_MS = 10_000;
/** When the first announcement that had not ended at `readAt` starts (null: none had). */
interface Windows {
  readAt: number;
  until: number;
  firstStart: number | null;
}
const windows = new WeakMap<object, Windows>();
/** Bumped by every write, so that a read begun before it does not keep what it saw. */
let writes = 0;

/**
 * True when no announcement can show at `now`, from the windows this process read (one small
 * statement every ten seconds at most): most sites have none live most of the time, and the
 * dashboard's per-member statement is then not sent. A time before that read is not judged (an
 * announcement that has ended since is not in it).
 */
async function noneCanShow(db: Kysely<DB>, now: Date) {
  let known = windows.get(db);
  if (!known || known.until <= Date.now()) {
    const seen = writes;
    const readAt = Date.now();
    const row = await firstStart.executeTakeFirst(db, { at: new Date(readAt) });
    known = { readAt, until: readAt + WINDOWS_TTL_MS, firstStart: row?.first ? new Date(row.first).getTime() : null };
    if (seen === writes) windows.set(db, known);
  }
  if (now.getTime() < known.readAt) return false;
  return known.firstStart === null || now.getTime() < known.firstStart;
}

const firstStart = precompiled((db, p: { at: Date }) =>
  db
    .selectFrom("announcements as a")
    .select((eb) => eb.fn.min("a.starts_at").as("first"))
    .where((eb) => eb.or([eb("a.ends_at", "is", null), eb("a.ends_at", ">", p.at)])),
);

/** After a write: this process reads the windows again. */
function forgetWindows(db: Kysely<DB>) {
  writes++;
  windows.delete(db);
}

/** The dashboard's statement, compiled once (db/precompiled.ts). */
const activeAnnouncements = precompiled((db, p: { userId: number; now: Date }) =>
  db
    .selectFrom("announcements as a")
    .select(["a.id", "a.title", "a.message", "a.level", "a.starts_at", "a.ends_at"])
    .where("a.starts_at", "<=", p.now)
    .where((eb) => eb.or([eb("a.ends_at", "is", null), eb("a.ends_at", ">", p.now)]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom("announcement_dismissals as d").select("d.user_id").whereRef("d.announcement_id", "=", "a.id").where("d.user_id", "=", p.userId))))
    .where((eb) =>
      eb.or([
        eb.not(eb.exists(eb.selectFrom("announcement_targets as t").select("t.target_id").whereRef("t.announcement_id", "=", "a.id"))),
        eb.exists(
          eb
            .selectFrom("announcement_targets as t")
            .innerJoin("users as u", "u.state_id", "t.target_id")
            .select("t.target_id")
            .whereRef("t.announcement_id", "=", "a.id")
            .where("t.kind", "=", "state")
            .where("u.id", "=", p.userId),
        ),
        eb.exists(
          eb
            .selectFrom("announcement_targets as t")
            .innerJoin("user_groups as ug", "ug.group_id", "t.target_id")
            .select("t.target_id")
            .whereRef("t.announcement_id", "=", "a.id")
            .where("t.kind", "=", "group")
            .where("ug.user_id", "=", p.userId),
        ),
      ]),
    )
    .orderBy("a.starts_at", "desc")
    .orderBy("a.id", "desc")
    .limit(20),
);

/** Hides an announcement from this member for good; false when there is no such announcement. */
export async function dismissAnnouncement(db: Kysely<DB>, userId: number, announcementId: number, now = new Date()): Promise<boolean> {
  const exists = await db.selectFrom("announcements").select("id").where("id", "=", announcementId).executeTakeFirst();
  if (!exists) return false;
  const already = await db.selectFrom("announcement_dismissals").select("user_id").where("announcement_id", "=", announcementId).where("user_id", "=", userId).executeTakeFirst();
  if (!already) await db.insertInto("announcement_dismissals").values({ announcement_id: announcementId, user_id: userId, dismissed_at: now }).execute();
  return true;
}

async function writeTargets(trx: Transaction<DB>, id: number, input: Pick<AnnouncementInput, "stateIds" | "groupIds">) {
  await trx.deleteFrom("announcement_targets").where("announcement_id", "=", id).execute();
  const rows = [
    ...[...new Set(input.stateIds)].map((target_id) => ({ announcement_id: id, kind: "state" as const, target_id })),
    ...[...new Set(input.groupIds)].map((target_id) => ({ announcement_id: id, kind: "group" as const, target_id })),
  ];
  if (rows.length) await trx.insertInto("announcement_targets").values(rows).execute();
}

const auditValues = (input: AnnouncementInput) => ({ ...input, startsAt: input.startsAt.toISOString(), endsAt: input.endsAt?.toISOString() ?? null });

export async function createAnnouncement(db: Kysely<DB>, input: AnnouncementInput, actor: Actor, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const values = { title: input.title, message: input.message, level: input.level, starts_at: input.startsAt, ends_at: input.endsAt, created_at: now, created_by: actor.userId };
    const id = await insertReturningId(trx, "announcements", values);
    await writeTargets(trx, id, input);
    await writeAudit(trx, actor, { action: "announcement.created", targetType: "announcement", targetId: String(id), after: auditValues(input) });
    return id;
  }).finally(() => forgetWindows(db));
}

export async function updateAnnouncement(db: Kysely<DB>, id: number, input: AnnouncementInput, before: Record<string, unknown>, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("announcements").set({ title: input.title, message: input.message, level: input.level, starts_at: input.startsAt, ends_at: input.endsAt }).where("id", "=", id).execute();
    await writeTargets(trx, id, input);
    await writeAudit(trx, actor, { action: "announcement.changed", targetType: "announcement", targetId: String(id), before, after: auditValues(input) });
  }).finally(() => forgetWindows(db));
}

export async function deleteAnnouncement(db: Kysely<DB>, id: number, before: Record<string, unknown>, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("announcement_dismissals").where("announcement_id", "=", id).execute();
    await trx.deleteFrom("announcement_targets").where("announcement_id", "=", id).execute();
    await trx.deleteFrom("announcements").where("id", "=", id).execute();
    await writeAudit(trx, actor, { action: "announcement.deleted", targetType: "announcement", targetId: String(id), before });
  }).finally(() => forgetWindows(db));
}

/** The announcement as the admin form shows it (times as `YYYY-MM-DD HH:MM`, UTC). */
export async function announcementForForm(db: Kysely<DB>, id: number) {
  const row = await db.selectFrom("announcements").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const targets = await db.selectFrom("announcement_targets").select(["kind", "target_id"]).where("announcement_id", "=", id).execute();
  const stamp = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 16).replace("T", " ") : "");
  return {
    title: row.title,
    message: row.message,
    level: ANNOUNCEMENT_LEVELS.indexOf(row.level) + 1,
    startsAt: stamp(row.starts_at),
    endsAt: stamp(row.ends_at),
    stateIds: targets.filter((t) => t.kind === "state").map((t) => t.target_id),
    groupIds: targets.filter((t) => t.kind === "group").map((t) => t.target_id),
  };
}
