/** EVE data in the admin: characters, corporations, alliances, factions, ownership records, tokens (never their secrets). */
import { deleteToken } from "../../eve/tokens.server";
import { countWhere, viewDelete } from "./shared.server";

export const charactersResource = viewDelete({
  key: "characters",
  label: "admin.resources.characters",
  appLabel: "eveonline",
  model: "evecharacter",
  auditType: "character",
  table: "eve_characters",
  pk: { expr: "id", kind: "number" },
  defaultSort: "character_name",
  columns: [
    { name: "character_name", label: "admin.col.name", expr: "character_name", sortable: true },
    { name: "character_id", label: "admin.col.eveId", expr: "character_id", sortable: true, kind: "number" },
    { name: "corporation_name", label: "admin.col.corporation", expr: "corporation_name" },
    { name: "alliance_name", label: "admin.col.alliance", expr: "alliance_name" },
    { name: "faction_name", label: "admin.col.faction", expr: "faction_name" },
  ],
  search: ["character_name", "corporation_name"],
  listQuery: (db) => db.selectFrom("eve_characters").select(["id", "character_name", "character_id", "corporation_name", "alliance_name", "faction_name"]),
  title: (row) => String(row.character_name),
  related: async (db, id) => [
    { label: "admin.related.ownerships", count: await countWhere(db, "character_ownerships", "character_id", Number(id)) },
    { label: "admin.related.ownershipRecords", count: await countWhere(db, "ownership_records", "character_id", Number(id)) },
    { label: "admin.related.mains", count: await countWhere(db, "users", "main_character_id", Number(id)) },
  ],
});

export const corporationsResource = viewDelete({
  key: "corporations",
  label: "admin.resources.corporations",
  appLabel: "eveonline",
  model: "evecorporationinfo",
  auditType: "corporation",
  table: "eve_corporations",
  pk: { expr: "corporation_id", kind: "number", eveId: true },
  defaultSort: "corporation_name",
  columns: [
    { name: "corporation_name", label: "admin.col.name", expr: "corporation_name", sortable: true },
    { name: "corporation_ticker", label: "admin.col.ticker", expr: "corporation_ticker", sortable: true },
    { name: "member_count", label: "admin.col.members", expr: "member_count", sortable: true, kind: "number" },
    { name: "alliance_id", label: "admin.col.alliance", expr: "alliance_id" },
  ],
  search: ["corporation_name", "corporation_ticker"],
  listQuery: (db) => db.selectFrom("eve_corporations").select(["corporation_id as id", "corporation_name", "corporation_ticker", "member_count", "alliance_id"]),
  title: (row) => String(row.corporation_name),
});

export const alliancesResource = viewDelete({
  key: "alliances",
  label: "admin.resources.alliances",
  appLabel: "eveonline",
  model: "eveallianceinfo",
  auditType: "alliance",
  table: "eve_alliances",
  pk: { expr: "alliance_id", kind: "number", eveId: true },
  defaultSort: "alliance_name",
  columns: [
    { name: "alliance_name", label: "admin.col.name", expr: "alliance_name", sortable: true },
    { name: "alliance_ticker", label: "admin.col.ticker", expr: "alliance_ticker", sortable: true },
    { name: "executor_corp_id", label: "admin.col.executor", expr: "executor_corp_id" },
  ],
  search: ["alliance_name", "alliance_ticker"],
  listQuery: (db) => db.selectFrom("eve_alliances").select(["alliance_id as id", "alliance_name", "alliance_ticker", "executor_corp_id"]),
  title: (row) => String(row.alliance_name),
  related: async (db, id) => [{ label: "admin.related.corporations", count: await countWhere(db, "eve_corporations", "alliance_id", Number(id)) }],
});

export const factionsResource = viewDelete({
  key: "factions",
  label: "admin.resources.factions",
  appLabel: "eveonline",
  model: "evefactioninfo",
  auditType: "faction",
  table: "eve_factions",
  pk: { expr: "faction_id", kind: "number", eveId: true },
  defaultSort: "faction_name",
  columns: [{ name: "faction_name", label: "admin.col.name", expr: "faction_name", sortable: true }],
  search: ["faction_name"],
  listQuery: (db) => db.selectFrom("eve_factions").select(["faction_id as id", "faction_name"]),
  title: (row) => String(row.faction_name),
});

export const ownershipRecordsResource = viewDelete({
  key: "ownership-records",
  label: "admin.resources.ownershipRecords",
  appLabel: "authentication",
  model: "ownershiprecord",
  auditType: "ownership_record",
  table: "ownership_records",
  pk: { expr: "r.id", kind: "number" },
  columns: [
    { name: "character_name", label: "admin.col.character", expr: "c.character_name" },
    { name: "username", label: "admin.col.username", expr: "u.username" },
    { name: "owner_hash", label: "admin.col.ownerHash", expr: "r.owner_hash" },
    { name: "created_at", label: "admin.col.created", expr: "r.created_at", sortable: true, kind: "date" },
  ],
  search: ["c.character_name", "u.username"],
  listQuery: (db) =>
    db
      .selectFrom("ownership_records as r")
      .innerJoin("eve_characters as c", "c.id", "r.character_id")
      .innerJoin("users as u", "u.id", "r.user_id")
      .select(["r.id as id", "c.character_name as character_name", "u.username as username", "r.owner_hash as owner_hash", "r.created_at as created_at"]),
  title: (row) => `${row.character_name} → ${row.username}`,
});

export const tokensResource = viewDelete({
  key: "tokens",
  label: "admin.resources.tokens",
  appLabel: "esi",
  model: "token",
  auditType: "token",
  table: "esi_tokens",
  pk: { expr: "t.id", kind: "number" },
  columns: [
    { name: "character_name", label: "admin.col.character", expr: "t.character_name", sortable: true },
    { name: "username", label: "admin.col.username", expr: "u.username" },
    { name: "token_type", label: "admin.col.type", expr: "t.token_type" },
    { name: "scopes", label: "admin.col.scopes", expr: "t.scopes" },
    { name: "created_at", label: "admin.col.created", expr: "t.created_at", sortable: true, kind: "date" },
  ],
  search: ["t.character_name", "u.username"],
  // Never the access or refresh token.
  listQuery: (db) =>
    db
      .selectFrom("esi_tokens as t")
      .leftJoin("users as u", "u.id", "t.user_id")
      .select(["t.id as id", "t.character_name as character_name", "u.username as username", "t.token_type as token_type", "t.scopes as scopes", "t.created_at as created_at"]),
  title: (row) => `${row.character_name} (${row.token_type})`,
  deleteWith: async (trx, id, ctx) => {
    await deleteToken(trx, Number(id), ctx.actor, "deleted in admin");
  },
});
