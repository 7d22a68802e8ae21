/**
 * Corp stats (the original's corputils CorpStats): a corporation's member list read from ESI with a
 * member's token, one per corporation, refreshed on demand and by the schedule. Who may see which
 * corporation follows the original's `visible_to`; a token that no longer works, a character that
 * left the corporation or an ESI 403 tells the owner and removes the stats, as the original does.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { serverT } from "~/i18n/i18n.server";
import { EveProvider, upsertAlliance, upsertCorporation } from "~/modules/eve/entities.server";
import { readNames } from "~/modules/eve/model-update-read.server";
import type { EsiClient } from "~/modules/eve/esi-client.server";
import { accessToken, type Actor, type AppContext, EsiError, esiClient, insertReturningId, notify, TokenInvalidError, tokensWithScopes, writeAudit } from "../plugin-api.server";
import { MEMBERSHIP_SCOPE, VIEW_ALLIANCE, VIEW_CORP, VIEW_STATE } from "./permissions";

/** Rows per INSERT when the member list is replaced (3 parameters a row, far under both dialects' limits). */
const INSERT_CHUNK = 1000;

export interface Viewer {
  id: number;
  is_superuser: boolean;
  permissions: Set<string>;
}

export interface VisibleCorpStats {
  id: number;
  corporation_id: number;
  corporation_name: string;
  corporation_ticker: string;
  alliance_id: number | null;
  alliance_name: string | null;
  last_update: Date;
  token_user_id: number | null;
  members: number;
}

/**
 * The corp stats this user may see, by corporation name (the original's `visible_to`): a superuser
 * sees all; anyone else needs a main character, and then sees the stats added with their own
 * tokens (or added by them, once the token is gone), plus their alliance's (`view_alliance_corpstats`, their corporation's when the main has
 * no alliance), their corporation's (`view_corp_corpstats`) and those of the corporations and
 * alliances of their state (`view_state_corpstats`). The main's corporation and alliance are the
 * stored character's; a corporation's alliance is the stored corporation's.
 */
export async function visibleCorpStats(db: Kysely<DB>, viewer: Viewer): Promise<VisibleCorpStats[]> {
  let query = db
    .selectFrom("corputils_corpstats as cs")
    .innerJoin("eve_corporations as corp", "corp.corporation_id", "cs.corporation_id")
    .leftJoin("eve_alliances as al", "al.alliance_id", "corp.alliance_id")
    .leftJoin("esi_tokens as tok", "tok.id", "cs.token_id")
    .select((eb) => [
      "cs.id",
      "cs.corporation_id",
      "corp.corporation_name",
      "corp.corporation_ticker",
      "corp.alliance_id",
      "al.alliance_name",
      "cs.last_update",
      "tok.user_id as token_user_id",
      eb.selectFrom("corputils_members as m").select(eb.fn.countAll<number>().as("n")).whereRef("m.corpstats_id", "=", "cs.id").as("members"),
    ]);
  if (!viewer.is_superuser) {
    const main = await db
      .selectFrom("users as u")
      .innerJoin("eve_characters as c", "c.id", "u.main_character_id")
      .select(["c.corporation_id", "c.alliance_id", "u.state_id"])
      .where("u.id", "=", viewer.id)
      .executeTakeFirst();
    if (!main) return [];
    const corporationId = Number(main.corporation_id);
    const allianceId = main.alliance_id ? Number(main.alliance_id) : null;
    const has = (p: string) => viewer.permissions.has(p);
    query = query.where((eb) => {
      // Their own token's; once that token is gone, the stats they added (until the next update removes them).
      const any = [eb("tok.user_id", "=", viewer.id), eb.and([eb("tok.id", "is", null), eb("cs.owner_id", "=", viewer.id)])];
      if (has(VIEW_ALLIANCE)) any.push(allianceId !== null ? eb("corp.alliance_id", "=", allianceId) : eb("cs.corporation_id", "=", corporationId));
      else if (has(VIEW_CORP)) any.push(eb("cs.corporation_id", "=", corporationId));
      if (has(VIEW_STATE) && main.state_id !== null) {
        any.push(eb("cs.corporation_id", "in", eb.selectFrom("state_member_corporations").select("corporation_id").where("state_id", "=", main.state_id)));
        any.push(eb("corp.alliance_id", "in", eb.selectFrom("state_member_alliances").select("alliance_id").where("state_id", "=", main.state_id)));
      }
      return eb.or(any);
    });
  }
  const rows = await query.orderBy("corp.corporation_name").orderBy("cs.id").execute();
  return rows.map((r) => ({
    ...r,
    corporation_id: Number(r.corporation_id),
    alliance_id: r.alliance_id === null ? null : Number(r.alliance_id),
    token_user_id: r.token_user_id ?? null,
    members: Number(r.members),
  }));
}

/**
 * The stats shown at `/corpstats` without a corporation: the only visible one, else the one of the
 * viewer's main's corporation when visible, else none (the original's default).
 */
export async function defaultCorpStats(db: Kysely<DB>, viewerId: number, available: VisibleCorpStats[]): Promise<VisibleCorpStats | null> {
  if (available.length === 1) return available[0];
  if (available.length === 0) return null;
  const main = await db.selectFrom("users as u").innerJoin("eve_characters as c", "c.id", "u.main_character_id").select("c.corporation_id").where("u.id", "=", viewerId).executeTakeFirst();
  return main ? (available.find((s) => s.corporation_id === Number(main.corporation_id)) ?? null) : null;
}

export type RemovalReason = "token" | "left" | "forbidden";

export type UpdateOutcome =
  | { kind: "updated"; members: number; esiCalls: number }
  | { kind: "removed"; reason: RemovalReason }
  /** No such stats (removed meanwhile). */
  | { kind: "missing" };

interface StatsRow {
  id: number;
  corporation_id: number;
  corporation_name: string;
  token_id: number | null;
  owner_id: number | null;
  token_user_id: number | null;
  token_character_id: number | null;
}

async function statsRow(db: Kysely<DB>, corpstatsId: number): Promise<StatsRow | null> {
  const row = await db
    .selectFrom("corputils_corpstats as cs")
    .innerJoin("eve_corporations as corp", "corp.corporation_id", "cs.corporation_id")
    .leftJoin("esi_tokens as tok", "tok.id", "cs.token_id")
    .select(["cs.id", "cs.corporation_id", "corp.corporation_name", "cs.token_id", "cs.owner_id", "tok.id as token_row", "tok.user_id as token_user_id", "tok.character_id as token_character_id"])
    .where("cs.id", "=", corpstatsId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    corporation_id: Number(row.corporation_id),
    corporation_name: row.corporation_name,
    // A token row that is gone counts as no token.
    token_id: row.token_row ?? null,
    owner_id: row.owner_id,
    token_user_id: row.token_user_id ?? null,
    token_character_id: row.token_character_id === null || row.token_character_id === undefined ? null : Number(row.token_character_id),
  };
}

/**
 * Reads the corporation's members with the stored token and replaces the stored list: one
 * affiliation call (is the token's character still in the corporation?), one member-list call, the
 * names in bulk (`POST /universe/names`, 1,000 ids a call, a refused batch bisected), then one
 * transaction that deletes the old rows and inserts the new ones in chunks. A token that is gone or
 * refused, a character that left, or a 403 removes the stats and tells the owner; anything
 * transient (ESI or the SSO unreachable, 5xx) is thrown and changes nothing.
 */
export async function updateCorpStats(ctx: AppContext, corpstatsId: number, actor: Actor, esi: EsiClient = esiClient(ctx)): Promise<UpdateOutcome> {
  const stats = await statsRow(ctx.db, corpstatsId);
  if (!stats) return { kind: "missing" };
  if (stats.token_id === null || stats.token_character_id === null) return removeCorpStats(ctx, stats, "token", actor);
  let token: string;
  try {
    token = await accessToken(ctx, stats.token_id, actor);
  } catch (error) {
    if (error instanceof TokenInvalidError) return removeCorpStats(ctx, stats, "token", actor, error.message);
    throw error;
  }
  const before = esi.calls;
  let memberIds: number[];
  try {
    const [affiliation] = await esi.post<{ character_id: number; corporation_id: number }[]>("/characters/affiliation", [stats.token_character_id]);
    if (!affiliation || affiliation.corporation_id !== stats.corporation_id) return removeCorpStats(ctx, stats, "left", actor);
    memberIds = (await esi.get<number[]>(`/corporations/${stats.corporation_id}/members`, { token })).data;
  } catch (error) {
    if (error instanceof EsiError && error.status === 404 && error.path === "/characters/affiliation") return removeCorpStats(ctx, stats, "left", actor);
    if (error instanceof EsiError && error.status === 403) return removeCorpStats(ctx, stats, "forbidden", actor, `${error.status}: ${esiErrorText(error)}`);
    throw error;
  }
  const ids = [...new Set(memberIds.map(Number))];
  const { names } = await readNames(new EveProvider(esi), ids, { errors: 0 }, () => {});
  const known = await knownNames(ctx.db, stats.id, ids.filter((id) => !names.has(id)));
  const rows = ids.map((character_id) => ({ corpstats_id: stats.id, character_id, character_name: (names.get(character_id)?.name ?? known.get(character_id) ?? String(character_id)).slice(0, 37) }));
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("corputils_members").where("corpstats_id", "=", stats.id).execute();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto("corputils_members").values(rows.slice(i, i + INSERT_CHUNK)).execute();
    await trx.updateTable("corputils_corpstats").set({ last_update: new Date() }).where("id", "=", stats.id).execute();
    await writeAudit(trx, actor, { action: "corputils.corpstats_updated", targetType: "corputils_corpstats", targetId: stats.id, after: { corporation_id: stats.corporation_id, members: rows.length } });
  });
  return { kind: "updated", members: rows.length, esiCalls: esi.calls - before };
}

/** Names ESI could not resolve this time: the stored member name or character name, if any. */
async function knownNames(db: Kysely<DB>, corpstatsId: number, ids: number[]): Promise<Map<number, string>> {
  const known = new Map<number, string>();
  if (ids.length === 0) return known;
  for (const r of await db.selectFrom("eve_characters").select(["character_id", "character_name"]).where("character_id", "in", ids).execute()) known.set(Number(r.character_id), r.character_name);
  for (const r of await db.selectFrom("corputils_members").select(["character_id", "character_name"]).where("corpstats_id", "=", corpstatsId).where("character_id", "in", ids).execute()) known.set(Number(r.character_id), r.character_name);
  return known;
}

function esiErrorText(error: EsiError) {
  try {
    const body = JSON.parse(error.body) as { error?: unknown };
    if (typeof body.error === "string") return body.error;
  } catch {}
  return error.body.slice(0, 200);
}

/** Removes the stats (members go with them), tells the owner why, and audits it. */
async function removeCorpStats(ctx: AppContext, stats: StatsRow, reason: RemovalReason, actor: Actor, detail = ""): Promise<UpdateOutcome> {
  const t = serverT(ctx.settings.LANGUAGE_CODE);
  const corp = stats.corporation_name;
  const owner = stats.token_user_id ?? stats.owner_id;
  await ctx.db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom("corputils_corpstats").where("id", "=", stats.id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return;
    await writeAudit(trx, actor, { action: "corputils.corpstats_removed", targetType: "corputils_corpstats", targetId: stats.id, before: { corporation_id: stats.corporation_id, token_id: stats.token_id }, reason: `${reason}${detail ? `: ${detail}` : ""}` });
    if (owner === null) return;
    const title = reason === "left" ? t("corputils.notify.leftTitle", { corp }) : t("corputils.notify.failedTitle", { corp });
    const message = reason === "token" ? t("corputils.notify.token") : reason === "left" ? t("corputils.notify.left", { corp }) : detail;
    await notify({ db: trx as unknown as Kysely<DB>, settings: ctx.settings }, [owner], { title, message, level: "danger" });
  });
  return { kind: "removed", reason };
}

/** Removes stats by hand (the admin site), audited. */
export async function deleteCorpStats(db: Kysely<DB>, corpstatsId: number, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("corputils_corpstats").selectAll().where("id", "=", corpstatsId).executeTakeFirst();
    if (!row) return;
    await trx.deleteFrom("corputils_corpstats").where("id", "=", corpstatsId).execute();
    await writeAudit(trx, actor, { action: "corputils.corpstats_deleted", targetType: "corputils_corpstats", targetId: corpstatsId, before: { corporation_id: Number(row.corporation_id), token_id: row.token_id, owner_id: row.owner_id } });
  });
}

/** The user's tokens that can read a corporation's members (one per owned character), with its corporation, for the add page's picker. */
export async function membershipTokens(ctx: AppContext, userId: number) {
  const tokens = await tokensWithScopes(ctx, userId, [MEMBERSHIP_SCOPE]);
  const ids = tokens.map((t) => t.character_id);
  const corporations = new Map<number, string>();
  if (ids.length) for (const c of await ctx.db.selectFrom("eve_characters").select(["character_id", "corporation_name"]).where("character_id", "in", ids).execute()) corporations.set(Number(c.character_id), c.corporation_name);
  return tokens.map((t) => ({ id: t.id, character_id: Number(t.character_id), character_name: t.character_name, corporation_name: corporations.get(Number(t.character_id)) ?? null }));
}

export type AddOutcome = { kind: "added"; corporationId: number; corpstatsId: number } | { kind: "exists"; corporationId: number } | { kind: "failed"; corporationId: number };

/**
 * The original's `corpstats_add`: the token's character's corporation (stored, else from ESI; the
 * corporation and its alliance are stored when new), one stats row per corporation, then a first
 * update, which must succeed (else the stats are gone again: "failed").
 */
export async function addCorpStats(ctx: AppContext, userId: number, tokenId: number, actor: Actor, esi: EsiClient = esiClient(ctx)): Promise<AddOutcome | null> {
  const token = (await membershipTokens(ctx, userId)).find((t) => t.id === tokenId);
  if (!token) return null;
  const provider = new EveProvider(esi);
  const stored = await ctx.db.selectFrom("eve_characters").select("corporation_id").where("character_id", "=", token.character_id).executeTakeFirst();
  const corporationId = stored ? Number(stored.corporation_id) : (await provider.publicCharacter(token.character_id)).corporation_id;
  await ensureCorporation(ctx.db, provider, corporationId);
  const exists = () => ctx.db.selectFrom("corputils_corpstats").select("id").where("corporation_id", "=", corporationId).executeTakeFirst();
  if (await exists()) return { kind: "exists", corporationId };
  let corpstatsId: number;
  try {
    corpstatsId = await ctx.db.transaction().execute(async (trx) => {
      const now = new Date();
      const id = await insertReturningId(trx, "corputils_corpstats", { corporation_id: corporationId, token_id: token.id, owner_id: userId, created_at: now, last_update: now });
      await writeAudit(trx, actor, { action: "corputils.corpstats_added", targetType: "corputils_corpstats", targetId: id, after: { corporation_id: corporationId, token_id: token.id, character_id: token.character_id } });
      return id;
    });
  } catch (error) {
    // Someone added the same corporation at the same moment (the unique key refused ours).
    if (await exists()) return { kind: "exists", corporationId };
    throw error;
  }
  const outcome = await updateCorpStats(ctx, corpstatsId, actor, esi);
  return outcome.kind === "updated" ? { kind: "added", corporationId, corpstatsId } : { kind: "failed", corporationId };
}

async function ensureCorporation(db: Kysely<DB>, provider: EveProvider, corporationId: number) {
  if (await db.selectFrom("eve_corporations").select("corporation_id").where("corporation_id", "=", corporationId).executeTakeFirst()) return;
  const corp = await provider.corporation(corporationId);
  if (corp.alliance_id !== null && !(await db.selectFrom("eve_alliances").select("alliance_id").where("alliance_id", "=", corp.alliance_id).executeTakeFirst())) {
    await upsertAlliance(db, await provider.alliance(corp.alliance_id));
  }
  await upsertCorporation(db, corp);
}

/** Every stats row's id, for the scheduled update. */
export async function allCorpStatsIds(db: Kysely<DB>): Promise<number[]> {
  return (await db.selectFrom("corputils_corpstats").select("id").orderBy("id").execute()).map((r) => r.id);
}
