/**
 * The lists of one corp stats (the original's three tabs) and the search across every visible one:
 * each a sorted, filtered, paged query (counts apart), set-based whatever the corporation's size.
 */
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import { containsPattern, lower } from "../../../db/dialect";
import type { DB } from "../../../db/schema";
import type { MemberView } from "./permissions";

export interface ListOptions {
  /** Matched case-insensitively anywhere in the names listed. */
  q: string;
  sort: string | null;
  dir: "asc" | "desc";
  page: number;
  pageSize: number;
}


/** Sort columns of each list, by the `?sort=` value; the first is the default. */
export const SORTS = {
  members: { name: "m.character_name", main: "main.character_name", corporation: "main.corporation_name", alliance: "main.alliance_name" },
  unregistered: { name: "m.character_name" },
  mains: { name: "main.character_name", characters: "characters" },
  search: { name: "m.character_name", corporation: "corp.corporation_name", main: "main.character_name" },
} as const;

/** The sort column asked for, or the list's default. */
export function sortColumn(list: keyof typeof SORTS, sort: string | null): string {
  const columns = SORTS[list] as Record<string, string>;
  return (sort && columns[sort]) || Object.values(columns)[0];
}

/**
 * Empty values last in either direction, on both dialects (they disagree on where NULL sorts). A
 * bare name is an output alias (never null here): PostgreSQL allows those only on their own.
 */
function ordered<Q extends SelectQueryBuilder<any, any, any>>(query: Q, column: string, dir: "asc" | "desc", tieBreak: string): Q {
  const nullsLast = column.includes(".") ? query.orderBy(sql`case when ${sql.ref(column)} is null then 1 else 0 end`) : query;
  return nullsLast.orderBy(sql.ref(column), dir).orderBy(sql.ref(tieBreak)) as Q;
}

/** How many rows `query` has. */
async function countOf(query: SelectQueryBuilder<any, any, any>): Promise<number> {
  const row = await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The asked-for page of `selected`, sorted, with the count of `base` (the same query before its select). */
async function onePage<O>(base: SelectQueryBuilder<any, any, any>, selected: SelectQueryBuilder<any, any, O>, column: string, tieBreak: string, options: ListOptions): Promise<{ rows: O[]; total: number }> {
  const total = await countOf(base);
  const rows = await ordered(selected, column, options.dir, tieBreak)
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)
    .execute();
  return { rows, total };
}

/** Each member with its owner's main, if registered (the join every member list starts from). */
function membersWithMains(db: Kysely<DB>) {
  return db
    .selectFrom("corputils_members as m")
    .leftJoin("eve_characters as ec", "ec.character_id", "m.character_id")
    .leftJoin("character_ownerships as co", "co.character_id", "ec.id")
    .leftJoin("users as u", "u.id", "co.user_id")
    .leftJoin("eve_characters as main", "main.id", "u.main_character_id");
}

export interface MemberRow {
  character_id: number;
  character_name: string;
  registered: boolean;
  main_character_id: number | null;
  main_name: string | null;
  main_corporation: string | null;
  main_alliance: string | null;
}

export interface AltRow {
  character_id: number;
  character_name: string;
  corporation_name: string;
  alliance_name: string | null;
}

export interface MainRow {
  user_id: number;
  character_id: number;
  character_name: string;
  characters: number;
  alts: AltRow[];
}

export interface Counts {
  mains: number;
  members: number;
  unregistered: number;
}

/** How many mains, members and unregistered members the tabs show. */
export async function memberCounts(db: Kysely<DB>, corpstatsId: number, corporationId: number): Promise<Counts> {
  const [members, unregistered, mains] = await Promise.all([
    countOf(db.selectFrom("corputils_members").where("corpstats_id", "=", corpstatsId)),
    countOf(membersWithMains(db).where("m.corpstats_id", "=", corpstatsId).where("co.id", "is", null)),
    countOf(mainsQuery(db, corporationId)),
  ]);
  return { mains, members, unregistered };
}

function mainsQuery(db: Kysely<DB>, corporationId: number) {
  return db.selectFrom("users as u").innerJoin("eve_characters as main", "main.id", "u.main_character_id").where("main.corporation_id", "=", corporationId);
}

const toMember = (r: { character_id: unknown; character_name: string; owner: unknown; main_character_id: unknown; main_name: string | null; main_corporation: string | null; main_alliance: string | null }): MemberRow => ({
  character_id: Number(r.character_id),
  character_name: r.character_name,
  registered: r.owner !== null && r.owner !== undefined,
  main_character_id: r.main_character_id === null || r.main_character_id === undefined ? null : Number(r.main_character_id),
  main_name: r.main_name ?? null,
  main_corporation: r.main_corporation ?? null,
  main_alliance: r.main_alliance ?? null,
});

/** One page of the members list (every member, registered or not) or of the unregistered ones. */
export async function memberList(db: Kysely<DB>, corpstatsId: number, view: Exclude<MemberView, "mains">, options: ListOptions): Promise<{ rows: MemberRow[]; total: number }> {
  let base = membersWithMains(db).where("m.corpstats_id", "=", corpstatsId);
  if (view === "unregistered") base = base.where("co.id", "is", null);
  if (options.q) {
    const pattern = containsPattern(options.q);
    base = view === "members" ? base.where((eb) => eb.or([eb(lower("m.character_name"), "like", pattern), eb(lower("main.character_name"), "like", pattern)])) : base.where(lower("m.character_name"), "like", pattern);
  }
  const { rows, total } = await onePage(
    base,
    base.select(["m.character_id", "m.character_name", "co.user_id as owner", "main.character_id as main_character_id", "main.character_name as main_name", "main.corporation_name as main_corporation", "main.alliance_name as main_alliance"]),
    sortColumn(view, options.sort),
    "m.character_id",
    options,
  );
  return { rows: rows.map(toMember), total };
}

/** One page of the users whose main is in the corporation, each with every character they own. */
export async function mainList(db: Kysely<DB>, corporationId: number, options: ListOptions): Promise<{ rows: MainRow[]; total: number }> {
  let base = mainsQuery(db, corporationId);
  if (options.q) {
    const pattern = containsPattern(options.q);
    // The main's name or any of the user's characters.
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom("character_ownerships as o")
          .innerJoin("eve_characters as oc", "oc.id", "o.character_id")
          .select("o.id")
          .whereRef("o.user_id", "=", "u.id")
          .where(lower("oc.character_name"), "like", pattern),
      ),
    );
  }
  const { rows: mains, total } = await onePage(
    base,
    base.select((eb) => ["u.id as user_id", "main.character_id", "main.character_name", eb.selectFrom("character_ownerships as o").select(eb.fn.countAll<number>().as("n")).whereRef("o.user_id", "=", "u.id").as("characters")]),
    sortColumn("mains", options.sort),
    "u.id",
    options,
  );
  const userIds = mains.map((m) => m.user_id);
  const alts = userIds.length
    ? await db
        .selectFrom("character_ownerships as o")
        .innerJoin("eve_characters as c", "c.id", "o.character_id")
        .select(["o.user_id", "c.character_id", "c.character_name", "c.corporation_name", "c.alliance_name"])
        .where("o.user_id", "in", userIds)
        .orderBy("c.character_name")
        .execute()
    : [];
  const byUser = new Map<number, AltRow[]>();
  for (const a of alts) {
    const list = byUser.get(a.user_id) ?? [];
    list.push({ character_id: Number(a.character_id), character_name: a.character_name, corporation_name: a.corporation_name, alliance_name: a.alliance_name });
    byUser.set(a.user_id, list);
  }
  return {
    rows: mains.map((m) => ({ user_id: m.user_id, character_id: Number(m.character_id), character_name: m.character_name, characters: Number(m.characters), alts: byUser.get(m.user_id) ?? [] })),
    total,
  };
}

export interface SearchRow extends MemberRow {
  corporation_id: number;
  corporation_name: string;
}

/** Members whose name matches, across the given corp stats (those the viewer may see). */
export async function searchMembers(db: Kysely<DB>, corpstatsIds: number[], options: ListOptions): Promise<{ rows: SearchRow[]; total: number }> {
  if (corpstatsIds.length === 0 || !options.q) return { rows: [], total: 0 };
  const base = membersWithMains(db)
    .innerJoin("corputils_corpstats as cs", "cs.id", "m.corpstats_id")
    .innerJoin("eve_corporations as corp", "corp.corporation_id", "cs.corporation_id")
    .where("m.corpstats_id", "in", corpstatsIds)
    .where(lower("m.character_name"), "like", containsPattern(options.q));
  const { rows, total } = await onePage(
    base,
    base.select([
      "m.character_id",
      "m.character_name",
      "co.user_id as owner",
      "main.character_id as main_character_id",
      "main.character_name as main_name",
      "main.corporation_name as main_corporation",
      "main.alliance_name as main_alliance",
      "cs.corporation_id",
      "corp.corporation_name",
    ]),
    sortColumn("search", options.sort),
    "m.character_id",
    options,
  );
  return { rows: rows.map((r) => ({ ...toMember(r), corporation_id: Number(r.corporation_id), corporation_name: r.corporation_name })), total };
}
