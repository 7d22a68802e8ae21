/**
 * HR applications (the original's hrapplications app): questions with optional choices, one form
 * per corporation with its questions in order, the members' applications with their answers, and
 * the reviewers' comments.
 */
import type { Kysely } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  await db.schema
    .createTable("hrapplications_questions")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("title", "varchar(254)", (c) => c.notNull())
    .addColumn("help_text", "varchar(254)", (c) => c.notNull())
    .addColumn("multi_select", "boolean", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("hrapplications_choices")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("question_id", "integer", (c) => c.notNull().references("hrapplications_questions.id").onDelete("cascade"))
    .addColumn("choice_text", "varchar(200)", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("hrapplications_choices_question_idx").on("hrapplications_choices").column("question_id").execute();
  // The corporation by its EVE id (no foreign key: a member's corporation need not be in eve_corporations yet).
  await db.schema
    .createTable("hrapplications_forms")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("corporation_id", "bigint", (c) => c.notNull().unique())
    .addColumn("corporation_name", "varchar(254)", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("hrapplications_form_questions")
    .addColumn("form_id", "integer", (c) => c.notNull().references("hrapplications_forms.id").onDelete("cascade"))
    .addColumn("question_id", "integer", (c) => c.notNull().references("hrapplications_questions.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("hrapplications_form_questions_pk", ["form_id", "question_id"])
    .execute();
  await db.schema.createIndex("hrapplications_form_questions_question_idx").on("hrapplications_form_questions").column("question_id").execute();
  await db.schema
    .createTable("hrapplications_applications")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("form_id", "integer", (c) => c.notNull().references("hrapplications_forms.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // null: pending; true: approved; false: rejected.
    .addColumn("approved", "boolean")
    .addColumn("reviewer_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("reviewer_character_id", "integer", (c) => c.references("eve_characters.id").onDelete("set null"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addUniqueConstraint("hrapplications_applications_form_user_uq", ["form_id", "user_id"])
    .execute();
  await db.schema.createIndex("hrapplications_applications_user_idx").on("hrapplications_applications").column("user_id").execute();
  await db.schema
    .createTable("hrapplications_responses")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("application_id", "integer", (c) => c.notNull().references("hrapplications_applications.id").onDelete("cascade"))
    .addColumn("question_id", "integer", (c) => c.notNull().references("hrapplications_questions.id").onDelete("cascade"))
    // The question's place in the form when the member applied.
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("answer", "text", (c) => c.notNull())
    .addUniqueConstraint("hrapplications_responses_app_question_uq", ["application_id", "question_id"])
    .execute();
  await db.schema.createIndex("hrapplications_responses_question_idx").on("hrapplications_responses").column("question_id").execute();
  await db.schema
    .createTable("hrapplications_comments")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("application_id", "integer", (c) => c.notNull().references("hrapplications_applications.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("hrapplications_comments_app_idx").on("hrapplications_comments").column("application_id").execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ["hrapplications_comments", "hrapplications_responses", "hrapplications_applications", "hrapplications_form_questions", "hrapplications_forms", "hrapplications_choices", "hrapplications_questions"]) {
    await db.schema.dropTable(table).execute();
  }
}
