/**
 * The admin side of HR applications: questions (with their choices, one a line in the form) and
 * the forms (one per corporation, with their questions in order). Every change is audited.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { type Actor, insertReturningId, writeAudit } from "../plugin-api.server";

type Executor = Kysely<DB> | Transaction<DB>;

/** A refusal shown beside a field of the admin form (`key` is an i18n key). */
export class HrAdminError extends Error {
  constructor(
    readonly field: string,
    readonly key: string,
  ) {
    super(key);
  }
}

export interface QuestionInput {
  title: string;
  help_text: string;
  multi_select: boolean;
  choices: string[];
}

/** The choices typed one a line: trimmed, empty lines and repeats dropped. */
export function choiceLines(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))];
}

export async function questionForForm(db: Executor, id: number) {
  const q = await db.selectFrom("hrapplications_questions").selectAll().where("id", "=", id).executeTakeFirst();
  if (!q) return null;
  const choices = await db.selectFrom("hrapplications_choices").select("choice_text").where("question_id", "=", id).orderBy("position").orderBy("id").execute();
  return { id: q.id, title: q.title, help_text: q.help_text, multi_select: q.multi_select, choices: choices.map((c) => c.choice_text).join("\n") };
}

async function writeChoices(trx: Executor, questionId: number, choices: string[]) {
  await trx.deleteFrom("hrapplications_choices").where("question_id", "=", questionId).execute();
  if (choices.length) await trx.insertInto("hrapplications_choices").values(choices.map((choice_text, position) => ({ question_id: questionId, choice_text, position }))).execute();
}

export async function saveQuestion(db: Kysely<DB>, id: number | null, input: QuestionInput, actor: Actor, before?: unknown) {
  return db.transaction().execute(async (trx) => {
    const row = { title: input.title, help_text: input.help_text, multi_select: input.multi_select };
    let questionId = id;
    if (questionId === null) questionId = await insertReturningId(trx, "hrapplications_questions", row);
    else await trx.updateTable("hrapplications_questions").set(row).where("id", "=", questionId).execute();
    await writeChoices(trx, questionId, input.choices);
    await writeAudit(trx, actor, { action: id === null ? "hrapplications.question_created" : "hrapplications.question_changed", targetType: "hrapplications_question", targetId: questionId, before, after: input });
    return questionId;
  });
}

export async function deleteQuestion(db: Kysely<DB>, id: number, before: unknown, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await writeAudit(trx, actor, { action: "hrapplications.question_deleted", targetType: "hrapplications_question", targetId: id, before });
    await trx.deleteFrom("hrapplications_questions").where("id", "=", id).execute();
  });
}

/** Corporations a form can be for: those known to the site and those of members' characters (one query). */
export async function corporationChoices(db: Executor) {
  const rows = await db
    .selectFrom("eve_corporations")
    .select(["corporation_id", "corporation_name"])
    .union(db.selectFrom("eve_characters").select(["corporation_id", "corporation_name"]))
    .orderBy("corporation_name")
    .limit(5000)
    .execute();
  const seen = new Set<number>();
  return rows.filter((r) => !seen.has(Number(r.corporation_id)) && seen.add(Number(r.corporation_id))).map((r) => ({ value: String(r.corporation_id), label: r.corporation_name }));
}

async function corporationName(db: Executor, corporationId: number) {
  const known = await db.selectFrom("eve_corporations").select("corporation_name").where("corporation_id", "=", corporationId).executeTakeFirst();
  if (known) return known.corporation_name;
  const seen = await db.selectFrom("eve_characters").select("corporation_name").where("corporation_id", "=", corporationId).limit(1).executeTakeFirst();
  return seen?.corporation_name ?? null;
}

export async function formForAdmin(db: Executor, id: number) {
  const form = await db.selectFrom("hrapplications_forms").selectAll().where("id", "=", id).executeTakeFirst();
  if (!form) return null;
  const questions = await db.selectFrom("hrapplications_form_questions").select("question_id").where("form_id", "=", id).orderBy("position").execute();
  return { id: form.id, corporation: Number(form.corporation_id), corporation_name: form.corporation_name, questions: questions.map((q) => q.question_id) };
}

export interface FormInput {
  corporation: number;
  /** Question ids in the order the form asks them. */
  questions: number[];
}

export async function saveForm(db: Kysely<DB>, id: number | null, input: FormInput, actor: Actor, before?: unknown) {
  return db.transaction().execute(async (trx) => {
    const name = await corporationName(trx, input.corporation);
    if (!name) throw new HrAdminError("corporation", "admin.errors.choice");
    const taken = await trx.selectFrom("hrapplications_forms").select("id").where("corporation_id", "=", input.corporation).executeTakeFirst();
    if (taken && taken.id !== id) throw new HrAdminError("corporation", "hrapplications.errors.corpTaken");
    const known = input.questions.length ? await trx.selectFrom("hrapplications_questions").select("id").where("id", "in", input.questions).execute() : [];
    if (known.length !== input.questions.length) throw new HrAdminError("questions", "admin.errors.choice");
    let formId = id;
    if (formId === null) formId = await insertReturningId(trx, "hrapplications_forms", { corporation_id: input.corporation, corporation_name: name });
    else await trx.updateTable("hrapplications_forms").set({ corporation_id: input.corporation, corporation_name: name }).where("id", "=", formId).execute();
    await trx.deleteFrom("hrapplications_form_questions").where("form_id", "=", formId).execute();
    if (input.questions.length) await trx.insertInto("hrapplications_form_questions").values(input.questions.map((question_id, position) => ({ form_id: formId!, question_id, position }))).execute();
    await writeAudit(trx, actor, { action: id === null ? "hrapplications.form_created" : "hrapplications.form_changed", targetType: "hrapplications_form", targetId: formId, before, after: { ...input, corporation_name: name } });
    return formId;
  });
}

export async function deleteForm(db: Kysely<DB>, id: number, before: unknown, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    await writeAudit(trx, actor, { action: "hrapplications.form_deleted", targetType: "hrapplications_form", targetId: id, before });
    await trx.deleteFrom("hrapplications_forms").where("id", "=", id).execute();
  });
}
