/**
 * Import steps for HR applications and corp stats (the other apps: steps-apps.server.ts). HR: the
 * original's choices have no order (their id order is kept as the position) and its answers none of
 * their own (the form's question order is used). Corp stats: the original names no owner and keeps
 * no creation date, so the owner is the token's user and the last update stands in.
 */
import { bool, date, type Executor, type Step, type StepContext } from "./context.server";
import type { SourceRow } from "./source.server";
import { dangling, insertReturningId } from "./steps-identity.server";

async function count(db: Executor, table: "hrapplications_choices", column: "question_id", id: number) {
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).where(column, "=", id).executeTakeFirstOrThrow()).n);
}

/**
 * The EVE id of the row's corporation (`corp_id`, an AA row id), or null (reported) when it was not
 * imported or already has its one `target` row here (the rows hanging off it are skipped as dangling).
 */
async function corporationFree(ctx: StepContext, table: string, row: SourceRow, target: "hrapplications_forms" | "corputils_corpstats", what: string): Promise<number | null> {
  const corporation = ctx.maps.num("eveonline_evecorporationinfo", row.corp_id);
  if (corporation === undefined) return dangling(ctx.problem, table, row.id, { corp_id: row.corp_id });
  if (await ctx.db.selectFrom(target).select("id").where("corporation_id", "=", corporation).executeTakeFirst()) {
    ctx.problem(table, row.id, `corporation ${corporation} already has ${what} here: skipped (with what belongs to it)`);
    return null;
  }
  return corporation;
}

const hr: Step[] = [
  {
    table: "hrapplications_applicationquestion",
    async run(row, { db }) {
      return String(await insertReturningId(db, "hrapplications_questions", { title: String(row.title).slice(0, 254), help_text: String(row.help_text ?? "").slice(0, 254), multi_select: bool(row.multi_select) }));
    },
  },
  {
    table: "hrapplications_applicationchoice",
    async run(row, { db, maps, problem }) {
      const question = maps.num("hrapplications_applicationquestion", row.question_id);
      if (question === undefined) return dangling(problem, "hrapplications_applicationchoice", row.id, { question_id: row.question_id });
      const position = await count(db, "hrapplications_choices", "question_id", question);
      return String(await insertReturningId(db, "hrapplications_choices", { question_id: question, choice_text: String(row.choice_text).slice(0, 200), position }));
    },
  },
  {
    table: "hrapplications_applicationform",
    async run(row, ctx) {
      const { db } = ctx;
      const corporation = await corporationFree(ctx, "hrapplications_applicationform", row, "hrapplications_forms", "a form");
      if (corporation === null) return null;
      const corp = await db.selectFrom("eve_corporations").select("corporation_name").where("corporation_id", "=", corporation).executeTakeFirst();
      return String(await insertReturningId(db, "hrapplications_forms", { corporation_id: corporation, corporation_name: corp?.corporation_name ?? String(corporation) }));
    },
  },
  {
    table: "hrapplications_applicationform_questions",
    async run(row, { db, maps, problem }) {
      const form = maps.num("hrapplications_applicationform", row.applicationform_id);
      const question = maps.num("hrapplications_applicationquestion", row.applicationquestion_id);
      if (form === undefined || question === undefined) return dangling(problem, "hrapplications_applicationform_questions", row.id, { applicationform_id: row.applicationform_id, applicationquestion_id: row.applicationquestion_id });
      await db.insertInto("hrapplications_form_questions").values({ form_id: form, question_id: question, position: Number(row.sort_value) }).execute();
      return `${form}:${question}`;
    },
  },
  {
    table: "hrapplications_application",
    async run(row, { db, maps, problem }) {
      const form = maps.num("hrapplications_applicationform", row.form_id);
      const user = maps.num("auth_user", row.user_id);
      if (form === undefined || user === undefined) return dangling(problem, "hrapplications_application", row.id, { form_id: row.form_id, user_id: row.user_id });
      const reviewer = maps.num("auth_user", row.reviewer_id) ?? null;
      const reviewerCharacter = maps.num("eveonline_evecharacter", row.reviewer_character_id) ?? null;
      const approved = row.approved === null || row.approved === undefined ? null : bool(row.approved);
      return String(await insertReturningId(db, "hrapplications_applications", { form_id: form, user_id: user, approved, reviewer_id: reviewer, reviewer_character_id: reviewerCharacter, created_at: date(row.created) }));
    },
  },
  {
    table: "hrapplications_applicationresponse",
    async run(row, { db, maps, problem }) {
      const application = maps.num("hrapplications_application", row.application_id);
      const question = maps.num("hrapplications_applicationquestion", row.question_id);
      if (application === undefined || question === undefined) return dangling(problem, "hrapplications_applicationresponse", row.id, { application_id: row.application_id, question_id: row.question_id });
      const place = await db
        .selectFrom("hrapplications_applications as a")
        .innerJoin("hrapplications_form_questions as q", "q.form_id", "a.form_id")
        .select("q.position")
        .where("a.id", "=", application)
        .where("q.question_id", "=", question)
        .executeTakeFirst();
      return String(await insertReturningId(db, "hrapplications_responses", { application_id: application, question_id: question, position: place?.position ?? 0, answer: String(row.answer ?? "") }));
    },
  },
  {
    table: "hrapplications_applicationcomment",
    async run(row, { db, maps, problem }) {
      const application = maps.num("hrapplications_application", row.application_id);
      const user = maps.num("auth_user", row.user_id);
      if (application === undefined || user === undefined) return dangling(problem, "hrapplications_applicationcomment", row.id, { application_id: row.application_id, user_id: row.user_id });
      return String(await insertReturningId(db, "hrapplications_comments", { application_id: application, user_id: user, text: String(row.text ?? ""), created_at: date(row.created) }));
    },
  },
];

const corpStats: Step[] = [
  {
    table: "corputils_corpstats",
    async run(row, ctx) {
      const { db, maps, problem } = ctx;
      const corporation = await corporationFree(ctx, "corputils_corpstats", row, "corputils_corpstats", "corp stats");
      if (corporation === null) return null;
      const tokenId = maps.num("esi_token", row.token_id) ?? null;
      if (tokenId === null) problem("corputils_corpstats", row.id, `token ${row.token_id} was not imported: imported without token (the next update removes the stats)`);
      const token = tokenId === null ? undefined : await db.selectFrom("esi_tokens").select("user_id").where("id", "=", tokenId).executeTakeFirst();
      const at = date(row.last_update);
      return String(await insertReturningId(db, "corputils_corpstats", { corporation_id: corporation, token_id: tokenId, owner_id: token?.user_id ?? null, created_at: at, last_update: at }));
    },
  },
  {
    table: "corputils_corpmember",
    async run(row, { db, maps, problem }) {
      const stats = maps.num("corputils_corpstats", row.corpstats_id);
      if (stats === undefined) return dangling(problem, "corputils_corpmember", row.id, { corpstats_id: row.corpstats_id });
      const characterId = Number(row.character_id);
      const found = await db.selectFrom("corputils_members").select("character_id").where("corpstats_id", "=", stats).where("character_id", "=", characterId).executeTakeFirst();
      if (!found) await db.insertInto("corputils_members").values({ corpstats_id: stats, character_id: characterId, character_name: String(row.character_name).slice(0, 37) }).execute();
      return `${stats}:${characterId}`;
    },
  },
];

export const hrAndCorpStatsSteps: Step[] = [...hr, ...corpStats];
