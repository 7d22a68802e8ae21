/**
 * The HR questions and forms in the admin site (the original's ApplicationQuestion with its choice
 * inline, and ApplicationForm). The app's definition imports this file and the core imports the app
 * registry, so the domain (hr-admin.server) is loaded on first use.
 */
import { z } from "zod";
import { AdminInvalid, type AdminResource, type Values } from "~/modules/admin/registry.server";

const domain = () => import("./hr-admin.server");

async function refusal(error: unknown): Promise<never> {
  if (error instanceof (await domain()).HrAdminError) throw new AdminInvalid({ [error.field]: error.key });
  throw error;
}

const questionSchema = z.object({
  title: z.string().trim().min(1, "admin.errors.required").max(254, "admin.errors.tooLong"),
  help_text: z.string().trim().max(254, "admin.errors.tooLong"),
  multi_select: z.boolean(),
  choices: z
    .string()
    .max(20_000, "admin.errors.tooLong")
    .refine((text) => text.split(/\r?\n/).every((line) => line.trim().length <= 200), "hrapplications.errors.choiceTooLong")
    .refine((text) => text.split(/\r?\n/).filter((line) => line.trim()).length <= 100, "hrapplications.errors.tooManyChoices"),
});

const questionInput = async (v: Values) => ({ title: String(v.title), help_text: String(v.help_text ?? ""), multi_select: Boolean(v.multi_select), choices: (await domain()).choiceLines(String(v.choices ?? "")) });

const questionList: AdminResource["listQuery"] = (db) => db.selectFrom("hrapplications_questions").select(["id", "title", "help_text", "multi_select"]);

export const hrQuestionsResource: AdminResource = {
  key: "hr-questions",
  label: "hrapplications.admin.questions",
  appLabel: "hrapplications",
  model: "applicationquestion",
  auditType: "hrapplications_question",
  pk: { expr: "id", kind: "number" },
  defaultSort: "title",
  columns: [
    { name: "title", label: "hrapplications.field.title", expr: "title", sortable: true },
    { name: "help_text", label: "hrapplications.field.helpText", expr: "help_text" },
    { name: "multi_select", label: "hrapplications.field.multiSelect", expr: "multi_select", kind: "bool" },
  ],
  search: ["title", "help_text"],
  listQuery: questionList,
  fields: [
    { name: "title", label: "hrapplications.field.title", kind: "text" },
    { name: "help_text", label: "hrapplications.field.helpText", kind: "text" },
    { name: "multi_select", label: "hrapplications.field.multiSelect", kind: "checkbox" },
    { name: "choices", label: "hrapplications.field.choices", kind: "textarea" },
  ],
  schema: questionSchema,
  get: async (db, id) => (await domain()).questionForForm(db, Number(id)),
  title: (row) => String(row.title),
  create: async (ctx, v) => (await domain()).saveQuestion(ctx.db, null, await questionInput(v), ctx.actor),
  update: async (ctx, id, v, current) => {
    await (await domain()).saveQuestion(ctx.db, Number(id), await questionInput(v), ctx.actor, current);
  },
  remove: async (ctx, id, current) => (await domain()).deleteQuestion(ctx.db, Number(id), current, ctx.actor),
  related: async (db, id) => [
    { label: "hrapplications.admin.forms", count: Number((await db.selectFrom("hrapplications_form_questions").select((eb) => eb.fn.countAll().as("n")).where("question_id", "=", Number(id)).executeTakeFirstOrThrow()).n) },
    { label: "hrapplications.admin.answers", count: Number((await db.selectFrom("hrapplications_responses").select((eb) => eb.fn.countAll().as("n")).where("question_id", "=", Number(id)).executeTakeFirstOrThrow()).n) },
  ],
};

const formSchema = z.object({
  corporation: z.number({ error: "admin.errors.required" }).int().positive("admin.errors.required"),
  questions: z.array(z.number().int().positive()).min(1, "hrapplications.errors.noQuestions").max(200, "admin.errors.tooLong"),
});

const formInput = (v: Values) => ({ corporation: Number(v.corporation), questions: v.questions as number[] });

export const hrFormsResource: AdminResource = {
  key: "hr-forms",
  label: "hrapplications.admin.forms",
  appLabel: "hrapplications",
  model: "applicationform",
  auditType: "hrapplications_form",
  pk: { expr: "id", kind: "number" },
  defaultSort: "corporation_name",
  columns: [
    { name: "corporation_name", label: "hrapplications.field.corporation", expr: "corporation_name", sortable: true },
    { name: "corporation_id", label: "hrapplications.field.corporationId", expr: "corporation_id", kind: "number" },
  ],
  search: ["corporation_name"],
  listQuery: (db) => db.selectFrom("hrapplications_forms").select(["id", "corporation_name", "corporation_id"]),
  fields: [
    { name: "corporation", label: "hrapplications.field.corporation", kind: "select", eveIds: true, options: async (ctx) => (await domain()).corporationChoices(ctx.db) },
    {
      name: "questions",
      label: "hrapplications.field.questions",
      kind: "multiselect",
      // This form's questions first, in their order (the order the picker submits is the form's order), then the rest by title.
      options: async (ctx, id) => {
        const all = await ctx.db.selectFrom("hrapplications_questions").select(["id", "title"]).orderBy("title").orderBy("id").limit(2000).execute();
        const mine = id ? ((await (await domain()).formForAdmin(ctx.db, Number(id)))?.questions ?? []) : [];
        const label = (q: { id: number; title: string }) => ({ value: String(q.id), label: `${q.title} (#${q.id})` });
        const byId = new Map(all.map((q) => [q.id, q]));
        return [...mine.flatMap((qid) => (byId.has(qid) ? [label(byId.get(qid)!)] : [])), ...all.filter((q) => !mine.includes(q.id)).map(label)];
      },
    },
  ],
  schema: formSchema,
  get: async (db, id) => (await domain()).formForAdmin(db, Number(id)),
  title: (row) => String(row.corporation_name),
  create: async (ctx, v) => (await domain()).saveForm(ctx.db, null, formInput(v), ctx.actor).catch(refusal),
  update: async (ctx, id, v, current) => {
    await (await domain()).saveForm(ctx.db, Number(id), formInput(v), ctx.actor, current).catch(refusal);
  },
  remove: async (ctx, id, current) => (await domain()).deleteForm(ctx.db, Number(id), current, ctx.actor),
  related: async (db, id) => [
    { label: "hrapplications.admin.applications", count: Number((await db.selectFrom("hrapplications_applications").select((eb) => eb.fn.countAll().as("n")).where("form_id", "=", Number(id)).executeTakeFirstOrThrow()).n) },
  ],
};
