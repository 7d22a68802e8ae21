/**
 * HR applications: members apply to a corporation's form (a main character required, one
 * application per form); reviewers holding `auth.human_resources` see the applications to their
 * main's corporation (a superuser sees all), take one in progress, and approve, reject, delete or
 * comment on it. Each decision is audited and the applicant is notified.
 */
import { type Kysely, type Transaction } from "kysely";
import { containsPattern, lower } from "../../../db/dialect";
import { precompiled } from "../../../db/precompiled";
import type { DB } from "../../../db/schema";
import type { Settings } from "~/config.server";
import { serverT } from "~/i18n/i18n.server";
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { type Actor, insertReturningId, notify, writeAudit } from "../plugin-api.server";
import { fieldName, HR_REVIEW, MAX_ANSWER } from "./permissions";

type Executor = Kysely<DB> | Transaction<DB>;

/** A refusal the routes show; `message` is an i18n key, `status` the HTTP answer. */
export class HrError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}


// ---- Questions and forms ---------------------------------------------------------------------

export interface Question {
  id: number;
  title: string;
  help_text: string;
  multi_select: boolean;
  choices: string[];
}

/** The questions of a form in their order, each with its choices (two queries). */
export async function formQuestions(db: Executor, formId: number): Promise<Question[]> {
  const rows = await db
    .selectFrom("hrapplications_form_questions as fq")
    .innerJoin("hrapplications_questions as q", "q.id", "fq.question_id")
    .select(["q.id", "q.title", "q.help_text", "q.multi_select"])
    .where("fq.form_id", "=", formId)
    .orderBy("fq.position")
    .orderBy("q.id")
    .execute();
  if (!rows.length) return [];
  const choices = await db
    .selectFrom("hrapplications_choices")
    .select(["question_id", "choice_text"])
    .where("question_id", "in", rows.map((r) => r.id))
    .orderBy("position")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ ...r, choices: choices.filter((c) => c.question_id === r.id).map((c) => c.choice_text) }));
}

export async function formById(db: Executor, formId: number) {
  return (await db.selectFrom("hrapplications_forms").selectAll().where("id", "=", formId).executeTakeFirst()) ?? null;
}

/** The forms this user has not applied to yet, by corporation name (the original's corporation choice). */
export function openFormsFor(db: Executor, userId: number) {
  return db
    .selectFrom("hrapplications_forms as f")
    .select(["f.id", "f.corporation_id", "f.corporation_name"])
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("hrapplications_applications as a").select("a.id").whereRef("a.form_id", "=", "f.id").where("a.user_id", "=", userId))))
    .orderBy("f.corporation_name")
    .execute();
}

// ---- Applying --------------------------------------------------------------------------------

/** The submitted answers, as typed or ticked (field `q<id>`), for re-rendering. */
export type AnswerValues = Record<string, string[]>;


/** Reads and checks the answers: each question answered, choices among the question's own, one unless multi-select. */
export function readAnswers(questions: Question[], form: FormData): { values: AnswerValues; errors: Record<string, string>; answers: Map<number, string> } {
  const values: AnswerValues = {};
  const errors: Record<string, string> = {};
  const answers = new Map<number, string>();
  for (const q of questions) {
    const name = fieldName(q.id);
    const raw = form.getAll(name).map((v) => (typeof v === "string" ? v : ""));
    if (q.choices.length) {
      const picked = [...new Set(raw)].filter((v) => v !== "");
      values[name] = picked.filter((v) => q.choices.includes(v));
      if (picked.some((v) => !q.choices.includes(v))) errors[name] = "hrapplications.errors.choice";
      else if (!picked.length) errors[name] = "hrapplications.errors.required";
      else if (!q.multi_select && picked.length > 1) errors[name] = "hrapplications.errors.oneChoice";
      // Kept in the form's order of choices, one a line (the original joins the ticked values with newlines).
      else answers.set(q.id, q.choices.filter((c) => picked.includes(c)).join("\n"));
    } else {
      const text = raw.length === 1 ? raw[0].replace(/\r\n/g, "\n").trim() : "";
      values[name] = [raw.length === 1 ? raw[0].slice(0, MAX_ANSWER + 100) : ""];
      if (raw.length > 1) errors[name] = "hrapplications.errors.invalid";
      else if (!text) errors[name] = "hrapplications.errors.required";
      else if (text.length > MAX_ANSWER) errors[name] = "hrapplications.errors.tooLong";
      else answers.set(q.id, text);
    }
  }
  return { values, errors, answers };
}

const alreadyApplied = async (db: Executor, formId: number, userId: number) =>
  Boolean(await db.selectFrom("hrapplications_applications").select("id").where("form_id", "=", formId).where("user_id", "=", userId).executeTakeFirst());

/**
 * Files an application with its answers (one insert for all answers). Refused without a main
 * character or when the user has already applied to this form.
 */
export async function apply(db: Kysely<DB>, userId: number, formId: number, questions: Question[], answers: Map<number, string>, actor: Actor, now = new Date()) {
  if (!(await mainCharacterOf(db, userId))) throw new HrError("hrapplications.errors.noMain", 403);
  return db.transaction().execute(async (trx) => {
    if (await alreadyApplied(trx, formId, userId)) throw new HrError("hrapplications.errors.duplicate", 409);
    const id = await insertReturningId(trx, "hrapplications_applications", { form_id: formId, user_id: userId, approved: null, reviewer_id: null, reviewer_character_id: null, created_at: now });
    const rows = questions.map((q, position) => ({ application_id: id, question_id: q.id, position, answer: answers.get(q.id) ?? "" }));
    if (rows.length) await trx.insertInto("hrapplications_responses").values(rows).execute();
    await writeAudit(trx, actor, { action: "hrapplications.application_created", targetType: "hrapplications_application", targetId: id, after: { formId } });
    return id;
  });
}

// ---- Reading applications ----------------------------------------------------------------------

/** Whose applications a user reviews: every one (superuser), their main's corporation's, or none. */
export type ReviewScope = { all: true } | { all: false; corporationId: number } | null;

export async function reviewScope(db: Kysely<DB>, user: { id: number; is_superuser: boolean; permissions: Set<string> }): Promise<ReviewScope> {
  if (user.is_superuser) return { all: true };
  if (!user.permissions.has(HR_REVIEW)) return null;
  const main = await mainCharacterOf(db, user.id);
  return main ? { all: false, corporationId: main.corporation_id } : null;
}

function applicationRows(db: Executor) {
  return db
    .selectFrom("hrapplications_applications as a")
    .innerJoin("hrapplications_forms as f", "f.id", "a.form_id")
    .innerJoin("users as u", "u.id", "a.user_id")
    .leftJoin("eve_characters as m", "m.id", "u.main_character_id")
    .leftJoin("users as r", "r.id", "a.reviewer_id")
    .leftJoin("eve_characters as rc", "rc.id", "a.reviewer_character_id")
    .select([
      "a.id",
      "a.form_id",
      "a.user_id",
      "a.approved",
      "a.reviewer_id",
      "a.created_at",
      "f.corporation_id",
      "f.corporation_name",
      "u.username",
      "m.character_name as main_character_name",
      "m.character_id as main_character_id",
      "rc.character_name as reviewer_character_name",
      "r.username as reviewer_username",
    ]);
}

export type ApplicationRow = Awaited<ReturnType<typeof listApplications>>["pending"][number];

const inScope = <Q extends { where: (...args: any[]) => any }>(query: Q, scope: Exclude<ReviewScope, null>): Q => (scope.all ? query : query.where("f.corporation_id", "=", scope.corporationId));

/** The applications a reviewer sees, newest first: every pending one, and the latest reviewed (older ones through the search). */
export async function listApplications(db: Kysely<DB>, scope: ReviewScope, reviewedLimit = 200) {
  if (!scope) return { pending: [], reviewed: [] };
  const newest = <Q extends ReturnType<typeof applicationRows>>(query: Q) => inScope(query, scope).orderBy("a.created_at", "desc").orderBy("a.id", "desc");
  const [pending, reviewed] = await Promise.all([
    newest(applicationRows(db).where("a.approved", "is", null)).execute(),
    newest(applicationRows(db).where("a.approved", "is not", null)).limit(reviewedLimit).execute(),
  ]);
  return { pending, reviewed };
}

/**
 * The original's search: applications whose applicant's username, or the name, corporation or
 * alliance of their main or of any of their characters, contains the text (any case).
 */
export async function searchApplications(db: Kysely<DB>, scope: ReviewScope, search: string) {
  if (!scope) return [];
  const pattern = containsPattern(search);
  const query = inScope(applicationRows(db), scope).where((eb) =>
    eb.or([
      eb(lower("u.username"), "like", pattern),
      eb.exists(
        eb
          .selectFrom("character_ownerships as o")
          .innerJoin("eve_characters as c", "c.id", "o.character_id")
          .select("o.id")
          .whereRef("o.user_id", "=", "a.user_id")
          .where((inner) => inner.or([inner(lower("c.character_name"), "like", pattern), inner(lower("c.corporation_name"), "like", pattern), inner(lower("c.alliance_name"), "like", pattern)])),
      ),
      eb(lower("m.character_name"), "like", pattern),
      eb(lower("m.corporation_name"), "like", pattern),
      eb(lower("m.alliance_name"), "like", pattern),
    ]),
  );
  return query.orderBy("a.created_at", "desc").orderBy("a.id", "desc").limit(500).execute();
}

export async function applicationById(db: Executor, id: number) {
  return (await applicationRows(db).where("a.id", "=", id).executeTakeFirst()) ?? null;
}

export function canSee(scope: ReviewScope, app: { corporation_id: number }) {
  return Boolean(scope && (scope.all || Number(app.corporation_id) === scope.corporationId));
}

/** Everything the application page shows: the answers in order, the applicant's characters, the comments. */
export async function applicationDetails(db: Kysely<DB>, appId: number, userId: number, withComments: boolean) {
  const [responses, characters, comments] = await Promise.all([
    db
      .selectFrom("hrapplications_responses as r")
      .innerJoin("hrapplications_questions as q", "q.id", "r.question_id")
      .select(["r.id", "q.title", "r.answer"])
      .where("r.application_id", "=", appId)
      .orderBy("r.position")
      .orderBy("r.id")
      .execute(),
    db
      .selectFrom("character_ownerships as o")
      .innerJoin("eve_characters as c", "c.id", "o.character_id")
      .select(["c.character_id", "c.character_name", "c.corporation_name", "c.alliance_name"])
      .where("o.user_id", "=", userId)
      .orderBy("c.character_name")
      .execute(),
    withComments
      ? db
          .selectFrom("hrapplications_comments as c")
          .innerJoin("users as u", "u.id", "c.user_id")
          .leftJoin("eve_characters as m", "m.id", "u.main_character_id")
          .select(["c.id", "c.text", "c.created_at", "u.username", "m.character_name"])
          .where("c.application_id", "=", appId)
          .orderBy("c.created_at")
          .orderBy("c.id")
          .execute()
      : Promise.resolve([]),
  ]);
  return { responses, characters, comments };
}

/** The user's own applications, newest first. */
export function myApplications(db: Executor, userId: number) {
  return applicationRows(db).where("a.user_id", "=", userId).orderBy("a.created_at", "desc").orderBy("a.id", "desc").execute();
}

/** Pending applications a reviewer sees (the menu badge); 0 for everyone else. */
export async function pendingCount(db: Kysely<DB>, user: { id: number; is_superuser: boolean; permissions: Set<string> }) {
  if (!user.is_superuser && !user.permissions.has(HR_REVIEW)) return 0;
  const row = user.is_superuser ? await allPending.executeTakeFirst(db, {}) : await corporationPending.executeTakeFirst(db, { userId: user.id });
  return Number(row?.n ?? 0);
}

// One statement (a menu badge, on every page), compiled once (db/precompiled.ts): the reviewer's
// scope as a subquery, as reviewScope decides it.
const pendingApplications = (db: Executor) =>
  db.selectFrom("hrapplications_applications as a").innerJoin("hrapplications_forms as f", "f.id", "a.form_id").select((eb) => eb.fn.countAll<number>().as("n")).where("a.approved", "is", null);
const allPending = precompiled((db) => pendingApplications(db));
const corporationPending = precompiled((db, p: { userId: number }) =>
  pendingApplications(db).where("f.corporation_id", "=", (eb) => eb.selectFrom("users as u").innerJoin("eve_characters as m", "m.id", "u.main_character_id").select("m.corporation_id").where("u.id", "=", p.userId)),
);

// ---- Decisions -------------------------------------------------------------------------------

type App = NonNullable<Awaited<ReturnType<typeof applicationById>>>;
type Reviewer = { id: number; is_superuser: boolean };

async function tell(trx: Executor, settings: Settings, app: App, key: "inProgress" | "approved" | "rejected" | "deleted", level: string, reviewer = "") {
  const t = serverT(settings.LANGUAGE_CODE);
  const params = { corporation: app.corporation_name, reviewer };
  await notify({ db: trx as Kysely<DB>, settings }, [app.user_id], { title: t(`hrapplications.notify.${key}.title`, params), message: t(`hrapplications.notify.${key}.message`, params), level });
}

/** The member deletes their own application while it is pending. */
export async function withdraw(db: Kysely<DB>, app: App, userId: number, actor: Actor) {
  if (app.user_id !== userId) throw new HrError("hrapplications.errors.notYours", 404);
  if (app.approved !== null) throw new HrError("hrapplications.errors.decided", 409);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("hrapplications_applications").where("id", "=", app.id).where("approved", "is", null).execute();
    await writeAudit(trx, actor, { action: "hrapplications.application_withdrawn", targetType: "hrapplications_application", targetId: app.id, before: { formId: app.form_id, corporation: app.corporation_name } });
  });
}

/** A reviewer takes a pending application that has no reviewer yet; the applicant is told who reviews it. */
export async function markInProgress(db: Kysely<DB>, settings: Settings, app: App, reviewer: Reviewer & { username: string }, actor: Actor) {
  if (app.approved !== null) throw new HrError("hrapplications.errors.decided", 409);
  if (app.reviewer_id !== null) throw new HrError("hrapplications.errors.taken", 409);
  const main = await mainCharacterOf(db, reviewer.id);
  await db.transaction().execute(async (trx) => {
    const done = await trx.updateTable("hrapplications_applications").set({ reviewer_id: reviewer.id, reviewer_character_id: main?.id ?? null }).where("id", "=", app.id).where("reviewer_id", "is", null).executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new HrError("hrapplications.errors.taken", 409);
    await writeAudit(trx, actor, { action: "hrapplications.application_in_progress", targetType: "hrapplications_application", targetId: app.id, after: { reviewerId: reviewer.id } });
    await tell(trx, settings, app, "inProgress", "info", main?.character_name ?? reviewer.username);
  });
}

/** Approves or rejects a pending application: its reviewer may, or a superuser. */
export async function decide(db: Kysely<DB>, settings: Settings, app: App, reviewer: Reviewer, approve: boolean, actor: Actor) {
  if (!reviewer.is_superuser && app.reviewer_id !== reviewer.id) throw new HrError("hrapplications.errors.notReviewer", 403);
  if (app.approved !== null) throw new HrError("hrapplications.errors.decided", 409);
  await db.transaction().execute(async (trx) => {
    const done = await trx.updateTable("hrapplications_applications").set({ approved: approve }).where("id", "=", app.id).where("approved", "is", null).executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new HrError("hrapplications.errors.decided", 409);
    await writeAudit(trx, actor, { action: approve ? "hrapplications.application_approved" : "hrapplications.application_rejected", targetType: "hrapplications_application", targetId: app.id, before: { approved: null }, after: { approved: approve } });
    await tell(trx, settings, app, approve ? "approved" : "rejected", approve ? "success" : "danger");
  });
}

/** A reviewer deletes an application (its answers and comments go with it); the applicant is told. */
export async function removeApplication(db: Kysely<DB>, settings: Settings, app: App, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("hrapplications_applications").where("id", "=", app.id).execute();
    await writeAudit(trx, actor, { action: "hrapplications.application_deleted", targetType: "hrapplications_application", targetId: app.id, before: { formId: app.form_id, userId: app.user_id, approved: app.approved } });
    await tell(trx, settings, app, "deleted", "info");
  });
}

export async function addComment(db: Kysely<DB>, app: App, userId: number, text: string, actor: Actor, now = new Date()) {
  await db.transaction().execute(async (trx) => {
    const id = await insertReturningId(trx, "hrapplications_comments", { application_id: app.id, user_id: userId, text, created_at: now });
    await writeAudit(trx, actor, { action: "hrapplications.comment_added", targetType: "hrapplications_application", targetId: app.id, after: { commentId: id } });
  });
}
