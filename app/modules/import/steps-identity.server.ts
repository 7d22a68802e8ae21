/**
 * Import steps for identity: EVE entities, users with their profiles, ownerships and ESI tokens.
 * Rules (docs/decisions/0017-alliance-auth-import.md): an EVE entity or character that already exists
 * here (same EVE id) is reused, not overwritten; a username that clashes case-insensitively with an
 * account that was not imported gets the suffix `_aa<source id>`; dangling references skip the row.
 */
import { isLanguage } from "~/i18n/languages";
import { insertReturningId } from "../../../db/dialect";
import { bool, date, type Executor, int, type Step, type StepContext } from "./context.server";
import { djangoHashToStored } from "./django-hashers.server";
import { groupBy } from "../group-by";

export { insertReturningId };

async function exists(db: Executor, table: "eve_factions" | "eve_alliances" | "eve_corporations", column: string, value: number) {
  return Boolean(await db.selectFrom(table as "eve_factions").select(column as "faction_id").where(column as "faction_id", "=", value).executeTakeFirst());
}

/** AA 4 theme hook path or the older night-mode flag -> our light/dark preference. */
export function mapTheme(theme: unknown, nightMode: unknown): "light" | "dark" | null {
  if (typeof theme === "string" && theme) return /dark/i.test(theme) ? "dark" : "light";
  if (nightMode === null || nightMode === undefined) return null;
  return bool(nightMode) ? "dark" : "light";
}

export const identitySteps: Step[] = [
  {
    table: "eveonline_evefactioninfo",
    async run(row, { db }) {
      const id = Number(row.faction_id);
      if (!(await exists(db, "eve_factions", "faction_id", id))) await db.insertInto("eve_factions").values({ faction_id: id, faction_name: String(row.faction_name) }).execute();
      return String(id);
    },
  },
  {
    table: "eveonline_eveallianceinfo",
    async run(row, { db, now }) {
      const id = Number(row.alliance_id);
      if (!(await exists(db, "eve_alliances", "alliance_id", id))) {
        await db
          .insertInto("eve_alliances")
          .values({ alliance_id: id, alliance_name: String(row.alliance_name), alliance_ticker: String(row.alliance_ticker), executor_corp_id: int(row.executor_corp_id), updated_at: now })
          .execute();
      }
      return String(id);
    },
  },
  {
    table: "eveonline_evecorporationinfo",
    async run(row, { db, maps, now, problem }) {
      const id = Number(row.corporation_id);
      const alliance = row.alliance_id === null ? null : maps.num("eveonline_eveallianceinfo", row.alliance_id);
      if (alliance === undefined) problem("eveonline_evecorporationinfo", row.id, `alliance row ${row.alliance_id} does not exist: imported without alliance`);
      if (!(await exists(db, "eve_corporations", "corporation_id", id))) {
        await db
          .insertInto("eve_corporations")
          .values({
            corporation_id: id,
            corporation_name: String(row.corporation_name),
            corporation_ticker: String(row.corporation_ticker),
            member_count: Number(row.member_count),
            ceo_id: int(row.ceo_id),
            alliance_id: alliance ?? null,
            faction_id: null,
            updated_at: now,
          })
          .execute();
      }
      return String(id);
    },
  },
  {
    table: "eveonline_evecharacter",
    async run(row, { db, now }) {
      const found = await db.selectFrom("eve_characters").select("id").where("character_id", "=", Number(row.character_id)).executeTakeFirst();
      if (found) return String(found.id);
      const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
      const id = await insertReturningId(db, "eve_characters", {
        character_id: Number(row.character_id),
        character_name: String(row.character_name),
        corporation_id: Number(row.corporation_id),
        corporation_name: String(row.corporation_name),
        corporation_ticker: String(row.corporation_ticker),
        alliance_id: int(row.alliance_id),
        alliance_name: text(row.alliance_name),
        alliance_ticker: text(row.alliance_ticker),
        faction_id: int(row.faction_id),
        faction_name: text(row.faction_name),
        updated_at: now,
      });
      return String(id);
    },
  },
  {
    table: "auth_user",
    select: ({ hasTheme }) =>
      `select t.*, p.main_character_id, p.state_id, p.language, p.night_mode, ${hasTheme ? "p.theme" : "null as theme"} from auth_user t left join authentication_userprofile p on p.user_id = t.id`,
    // One look-up per batch (lower() cannot use the username index: per row it would scan every user, per user).
    async prefetch(rows, { db, batch }) {
      const names = [...new Set(rows.map((r) => String(r.username).toLowerCase()))];
      const taken = await db
        .selectFrom("users")
        .select((eb) => eb.fn<string>("lower", ["username"]).as("name"))
        .where((eb) => eb(eb.fn("lower", ["username"]), "in", names))
        .execute();
      batch.set("takenUsernames", new Set(taken.map((t) => t.name)));
    },
    async run(row, ctx) {
      const { db, maps, problem, batch } = ctx;
      let username = String(row.username);
      const taken = batch.get("takenUsernames") as Set<string>;
      if (taken.has(username.toLowerCase())) {
        const renamed = `${username.slice(0, 140)}_aa${row.id}`;
        problem("auth_user", row.id, `username "${username}" is taken here (case-insensitively): imported as "${renamed}"`);
        username = renamed;
      }
      const main = row.main_character_id === null ? null : maps.num("eveonline_evecharacter", row.main_character_id);
      if (main === undefined) problem("auth_user", row.id, `main character row ${row.main_character_id} does not exist: imported without main`);
      const state = maps.num("authentication_state", row.state_id);
      const language = typeof row.language === "string" && row.language ? row.language : null;
      if (language && !isLanguage(language)) problem("auth_user", row.id, `language "${language}" is not offered here: the default applies`);
      const id = await insertReturningId(db, "users", {
        username,
        email: row.email ? String(row.email) : null,
        password_hash: djangoHashToStored(String(row.password ?? "")),
        is_active: bool(row.is_active),
        is_staff: bool(row.is_staff),
        is_superuser: bool(row.is_superuser),
        language: language && isLanguage(language) ? language : null,
        theme: mapTheme(row.theme, row.night_mode),
        date_joined: date(row.date_joined),
        last_login: row.last_login ? date(row.last_login) : null,
        main_character_id: main ?? null,
        state_id: state ?? null,
      });
      taken.add(username.toLowerCase());
      return String(id);
    },
  },
  {
    table: "authentication_characterownership",
    async run(row, { db, maps, problem }) {
      const character = maps.num("eveonline_evecharacter", row.character_id);
      const user = maps.num("auth_user", row.user_id);
      if (character === undefined || user === undefined) return dangling(problem, "authentication_characterownership", row.id, { character: row.character_id, user: row.user_id });
      const taken = await db.selectFrom("character_ownerships").select(["id", "user_id"]).where((eb) => eb.or([eb("character_id", "=", character), eb("owner_hash", "=", String(row.owner_hash))])).executeTakeFirst();
      if (taken) {
        problem("authentication_characterownership", row.id, `character or owner hash already owned here (ownership ${taken.id}): kept the existing one`);
        return null;
      }
      return String(await insertReturningId(db, "character_ownerships", { character_id: character, owner_hash: String(row.owner_hash), user_id: user }));
    },
  },
  {
    table: "authentication_ownershiprecord",
    async run(row, { db, maps, problem }) {
      const character = maps.num("eveonline_evecharacter", row.character_id);
      const user = maps.num("auth_user", row.user_id);
      if (character === undefined || user === undefined) return dangling(problem, "authentication_ownershiprecord", row.id, { character: row.character_id, user: row.user_id });
      return String(await insertReturningId(db, "ownership_records", { character_id: character, owner_hash: String(row.owner_hash), user_id: user, created_at: date(row.created) }));
    },
  },
  {
    table: "esi_token",
    async prefetch(rows, { source, batch }) {
      const ids = rows.map((r) => Number(r.id));
      const scopes = ids.length
        ? await source.query(`select ts.token_id, s.name from esi_token_scopes ts join esi_scope s on s.id = ts.scope_id where ts.token_id in (${ids.map(() => "?").join(",")})`, ids)
        : [];
      const byToken = groupBy(scopes, (s) => Number(s.token_id), (s) => String(s.name));
      batch.set("scopes", byToken);
    },
    async run(row, { db, maps, box, problem, batch }) {
      const user = row.user_id === null ? null : maps.num("auth_user", row.user_id);
      if (user === undefined) return dangling(problem, "esi_token", row.id, { user: row.user_id });
      const scopes = ((batch.get("scopes") as Map<number, string[]>).get(Number(row.id)) ?? []).sort().join(" ");
      const created = date(row.created);
      const id = await insertReturningId(db, "esi_tokens", {
        user_id: user,
        character_id: Number(row.character_id),
        character_name: String(row.character_name),
        character_owner_hash: String(row.character_owner_hash),
        token_type: String(row.token_type),
        scopes,
        access_token: box.encrypt(String(row.access_token)),
        refresh_token: row.refresh_token ? box.encrypt(String(row.refresh_token)) : null,
        key_id: box.keyId,
        created_at: created,
        refreshed_at: created,
      });
      return String(id);
    },
  },
];

/** Reports a row whose foreign keys point at nothing we imported; it is skipped. */
export function dangling(problem: StepContext["problem"], table: string, id: unknown, refs: Record<string, unknown>): null {
  problem(table, id, `dangling reference (${Object.entries(refs).map(([k, v]) => `${k} ${v}`).join(", ")}): skipped`);
  return null;
}
