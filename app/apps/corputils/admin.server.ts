/** Corp stats in the admin site: listed, viewed and deleted (each deletion audited). */
// Not through admin/resources/shared.server: that module reaches the permission registry, which
// reads the app registry this file is loaded from.
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { AdminResource } from "~/modules/admin/registry.server";
import { deleteCorpStats } from "./corpstats.server";

const listQuery = (db: Kysely<DB>) =>
  db.selectFrom(
    db
      .selectFrom("corputils_corpstats as cs")
      .innerJoin("eve_corporations as corp", "corp.corporation_id", "cs.corporation_id")
      .leftJoin("esi_tokens as tok", "tok.id", "cs.token_id")
      .leftJoin("users as owner", "owner.id", "cs.owner_id")
      .select((eb) => [
        "cs.id",
        "corp.corporation_name",
        "tok.character_name as token_character",
        "owner.username as owner",
        "cs.last_update",
        eb.selectFrom("corputils_members as m").select(eb.fn.countAll<number>().as("n")).whereRef("m.corpstats_id", "=", "cs.id").as("members"),
      ])
      .as("x"),
  ).selectAll();

export const corpStatsResource: AdminResource = {
  key: "corpstats",
  label: "corputils.admin.corpstats",
  appLabel: "corputils",
  model: "corpstats",
  auditType: "corputils_corpstats",
  pk: { expr: "id", kind: "number" },
  defaultSort: "corporation_name",
  columns: [
    { name: "corporation_name", label: "corputils.corporation", expr: "corporation_name", sortable: true },
    { name: "token_character", label: "corputils.admin.tokenCharacter", expr: "token_character" },
    { name: "owner", label: "corputils.admin.owner", expr: "owner" },
    { name: "members", label: "corputils.tab.members", expr: "members", kind: "number" },
    { name: "last_update", label: "corputils.lastUpdate", expr: "last_update", sortable: true, kind: "date" },
  ],
  search: ["corporation_name", "token_character", "owner"],
  listQuery,
  get: async (db, id) => {
    const row = await listQuery(db).where("id", "=", Number(id)).executeTakeFirst();
    return row ? { ...row, members: Number(row.members) } : null;
  },
  title: (row) => String(row.corporation_name),
  remove: async (ctx, id) => deleteCorpStats(ctx.db, Number(id), ctx.actor),
};
