/**
 * Customising the site (issue 20): the stored sidebar menu (the original's allianceauth/menu), the
 * admin's site settings (site name, default theme, custom CSS), the uploaded logo and favicon, and
 * the example app's greetings (its admin resource).
 */
import { type Kysely, sql } from "kysely";
import { dialectOf, idColumn, timestampType } from "../dialect";

export async function up(db: Kysely<any>) {
  const dialect = dialectOf(db);
  const ts = timestampType(dialect);
  // One row per entry: an item of the core, an app or a service (source_id = its MenuItem id, synced),
  // an admin's folder (no url) or link (a url). Folders hold entries one level deep.
  await db.schema
    .createTable("menu_items")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("source_id", "varchar(100)", (c) => c.unique())
    // The item's own label (an i18n key), refreshed by the sync; the admin's label overrides it.
    .addColumn("default_label", "varchar(150)")
    .addColumn("label", "varchar(150)")
    .addColumn("url", "varchar(500)")
    .addColumn("icon", "varchar(20)")
    .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(9999))
    .addColumn("parent_id", "integer")
    .addColumn("is_hidden", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.createIndex("menu_items_parent_idx").on("menu_items").column("parent_id").execute();
  // Site settings the admin changes at run time (name, default theme, custom CSS), by name.
  await db.schema
    .createTable("site_settings")
    .addColumn("name", "varchar(64)", (c) => c.primaryKey())
    .addColumn("value", dialect === "mysql" ? sql`mediumtext` : "text", (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  // The uploaded logo and favicon (at most 256 KB each).
  await db.schema
    .createTable("site_assets")
    .addColumn("kind", "varchar(16)", (c) => c.primaryKey())
    .addColumn("content_type", "varchar(40)", (c) => c.notNull())
    .addColumn("data", dialect === "mysql" ? sql`mediumblob` : "bytea", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  // The example app's table (app/apps/example): the greetings its admin resource manages.
  await db.schema
    .createTable("example_greetings")
    .addColumn("id", "integer", idColumn(dialect))
    .addColumn("text", "varchar(200)", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("example_greetings").execute();
  await db.schema.dropTable("site_assets").execute();
  await db.schema.dropTable("site_settings").execute();
  await db.schema.dropTable("menu_items").execute();
}
