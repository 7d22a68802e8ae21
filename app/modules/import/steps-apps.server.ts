/**
 * Import steps for the apps' data: auto groups, timers, op timers, SRP and FAT (HR and corp stats in
 * steps-apps-hr.server.ts). Each original table maps to the app's own; references go through the
 * import map (characters to our eve_characters rows, corporations and alliances to EVE ids). Rules
 * for what the original does not store (docs/decisions/0039-importing-services-and-apps.md): a date
 * it never kept is the nearest date it did keep (the fleet's time, the link's time) or the import
 * time; a user it never kept is the character's owner here.
 */
import { parseKillLink } from "../../apps/srp/killmails.server";
import { OBJECTIVES, TIMER_TYPES } from "../../apps/timerboard/choices";
import { bool, date, type Executor, type Step, type StepContext } from "./context.server";
import { link } from "./steps-access.server";
import { dangling, insertReturningId } from "./steps-identity.server";

export async function characterOf(db: Executor, id: number | undefined) {
  if (id === undefined) return undefined;
  return db.selectFrom("eve_characters").select(["id", "character_id", "character_name", "corporation_id", "corporation_name"]).where("id", "=", id).executeTakeFirst();
}

/** The user who owns a character here (the original's SRP requests and op timers name no user). */
export async function ownerOf(db: Executor, characterRowId: number | undefined) {
  if (characterRowId === undefined) return undefined;
  return (await db.selectFrom("character_ownerships").select("user_id").where("character_id", "=", characterRowId).executeTakeFirst())?.user_id;
}

async function userLabel(db: Executor, userId: number) {
  const row = await db.selectFrom("users as u").leftJoin("eve_characters as c", "c.id", "u.main_character_id").select(["u.username", "c.character_name"]).where("u.id", "=", userId).executeTakeFirst();
  return row?.character_name ?? row?.username ?? "";
}

/** A value from a fixed list; anything else becomes `fallback`, reported. */
function choice<T extends string>(ctx: StepContext, table: string, id: unknown, column: string, value: unknown, list: readonly T[], fallback: T): T {
  const text = String(value ?? "");
  if ((list as readonly string[]).includes(text)) return text as T;
  ctx.problem(table, id, `${column} "${text}" is not one of ours: read as ${fallback}`);
  return fallback;
}

const NAME_SOURCES = ["name", "ticker"] as const;

const autogroups: Step[] = [
  {
    table: "eve_autogroups_autogroupsconfig",
    async run(row, ctx) {
      const source = (column: string) => choice(ctx, "eve_autogroups_autogroupsconfig", row.id, column, row[column], NAME_SOURCES, "name");
      const id = await insertReturningId(ctx.db, "autogroups_configs", {
        corp_groups: bool(row.corp_groups),
        corp_group_prefix: String(row.corp_group_prefix ?? "").slice(0, 50),
        corp_name_source: source("corp_name_source"),
        alliance_groups: bool(row.alliance_groups),
        alliance_group_prefix: String(row.alliance_group_prefix ?? "").slice(0, 50),
        alliance_name_source: source("alliance_name_source"),
        replace_spaces: bool(row.replace_spaces),
        replace_spaces_with: String(row.replace_spaces_with ?? "").slice(0, 10),
      });
      return String(id);
    },
  },
  link("eve_autogroups_autogroupsconfig_states", "autogroups_config_states", ["autogroupsconfig_id", "eve_autogroups_autogroupsconfig", "config_id"], ["state_id", "authentication_state", "state_id"]),
  ...(
    [
      ["eve_autogroups_managedalliancegroup", "alliance_id", "eveonline_eveallianceinfo", "alliance"],
      ["eve_autogroups_managedcorpgroup", "corp_id", "eveonline_evecorporationinfo", "corp"],
    ] as const
  ).map(
    ([table, column, entities, kind]): Step => ({
      table,
      async run(row, { db, maps, problem }) {
        const config = maps.num("eve_autogroups_autogroupsconfig", row.config_id);
        const entity = maps.num(entities, row[column]);
        const group = maps.num("auth_group", row.group_id);
        if (config === undefined || entity === undefined || group === undefined) return dangling(problem, table, row.id, { config_id: row.config_id, [column]: row[column], group_id: row.group_id });
        const found = await db.selectFrom("autogroups_managed_groups").select("group_id").where("config_id", "=", config).where("kind", "=", kind).where("entity_id", "=", entity).executeTakeFirst();
        if (found) {
          problem(table, row.id, `config ${row.config_id} already manages a group for ${kind} ${entity}: skipped`);
          return null;
        }
        await db.insertInto("autogroups_managed_groups").values({ config_id: config, kind, entity_id: entity, group_id: group }).execute();
        return `${config}:${kind}:${entity}`;
      },
    }),
  ),
];

const timers: Step[] = [
  {
    table: "timerboard_timer",
    async run(row, ctx) {
      const { db, maps, now, problem } = ctx;
      const corporation = maps.num("eveonline_evecorporationinfo", row.eve_corp_id);
      if (corporation === undefined) return dangling(problem, "timerboard_timer", row.id, { eve_corp_id: row.eve_corp_id });
      const character = await characterOf(db, maps.num("eveonline_evecharacter", row.eve_character_id));
      const corp = await db.selectFrom("eve_corporations").select("corporation_name").where("corporation_id", "=", corporation).executeTakeFirst();
      const userId = maps.num("auth_user", row.user_id) ?? null;
      if (row.user_id != null && userId === null) problem("timerboard_timer", row.id, `user ${row.user_id} was not imported: imported without author`);
      // The original keeps no creation date: the import time stands in.
      const id = await insertReturningId(db, "timerboard_timers", {
        details: String(row.details ?? "").slice(0, 254),
        system: String(row.system ?? "").slice(0, 254),
        planet_moon: String(row.planet_moon ?? "").slice(0, 254),
        structure: String(row.structure ?? "").slice(0, 64),
        timer_type: choice(ctx, "timerboard_timer", row.id, "timer_type", row.timer_type, TIMER_TYPES, "UNSPECIFIED"),
        objective: choice(ctx, "timerboard_timer", row.id, "objective", row.objective, OBJECTIVES, "Neutral"),
        eve_time: date(row.eve_time),
        important: bool(row.important),
        corp_timer: bool(row.corp_timer),
        eve_character_id: character?.id ?? null,
        character_name: character?.character_name ?? null,
        corporation_id: corporation,
        corporation_name: corp?.corporation_name ?? null,
        user_id: userId,
        created_at: now,
      });
      return String(id);
    },
  },
  {
    table: "optimer_optimertype",
    async run(row, { db }) {
      const type = String(row.type).slice(0, 254);
      const found = await db.selectFrom("optimer_types").select("id").where("type", "=", type).executeTakeFirst();
      return String(found?.id ?? (await insertReturningId(db, "optimer_types", { type })));
    },
  },
  {
    table: "optimer_optimer",
    async run(row, { db, maps, problem }) {
      // Older installs have no op types (no column): no type.
      const typeId = row.type_id == null ? null : (maps.num("optimer_optimertype", row.type_id) ?? null);
      if (row.type_id != null && typeId === null) problem("optimer_optimer", row.id, `type ${row.type_id} does not exist: imported without type`);
      const character = await characterOf(db, maps.num("eveonline_evecharacter", row.eve_character_id));
      const id = await insertReturningId(db, "optimer_timers", {
        operation_name: String(row.operation_name ?? "").slice(0, 254),
        type_id: typeId,
        doctrine: String(row.doctrine ?? "").slice(0, 254),
        system: String(row.system ?? "").slice(0, 254),
        location: String(row.location ?? "").slice(0, 254),
        start: date(row.start),
        duration: String(row.duration ?? "").slice(0, 25),
        fc: String(row.fc ?? "").slice(0, 254),
        description: String(row.description ?? ""),
        post_time: date(row.post_time),
        eve_character_id: character?.id ?? null,
        character_name: character?.character_name ?? null,
        user_id: (await ownerOf(db, character?.id)) ?? null,
      });
      return String(id);
    },
  },
];

const SRP_STATUSES = ["Pending", "Approved", "Rejected"] as const;

const srp: Step[] = [
  {
    table: "srp_srpfleetmain",
    async run(row, { db, maps, problem }) {
      // Completed fleets have no code in the original; ours is unique: "aa-<id>" stands in (no one files against a completed fleet).
      let code = String(row.fleet_srp_code ?? "").slice(0, 32);
      if (!code || (await db.selectFrom("srp_fleets").select("id").where("fleet_srp_code", "=", code).executeTakeFirst())) {
        if (code) problem("srp_srpfleetmain", row.id, `SRP code "${code}" is taken here: imported as aa-${row.id}`);
        code = `aa-${row.id}`;
      }
      const fc = await characterOf(db, maps.num("eveonline_evecharacter", row.fleet_commander_id));
      const id = await insertReturningId(db, "srp_fleets", {
        fleet_name: String(row.fleet_name ?? "").slice(0, 254),
        doctrine: String(row.fleet_doctrine ?? "").slice(0, 254),
        fleet_time: date(row.fleet_time),
        fleet_srp_code: code,
        fleet_srp_status: String(row.fleet_srp_status ?? "") === "Completed" ? "Completed" : "",
        fleet_commander_id: fc?.id ?? null,
        fleet_commander_name: fc?.character_name ?? null,
        aar_link: String(row.fleet_srp_aar_link ?? "").slice(0, 254),
        created_at: date(row.fleet_time),
      });
      return String(id);
    },
  },
  {
    table: "srp_srpuserrequest",
    async run(row, ctx) {
      const { db, maps, problem } = ctx;
      const fleet = maps.num("srp_srpfleetmain", row.srp_fleet_main_id);
      const character = await characterOf(db, maps.num("eveonline_evecharacter", row.character_id));
      const userId = await ownerOf(db, character?.id);
      if (fleet === undefined || character === undefined) return dangling(problem, "srp_srpuserrequest", row.id, { srp_fleet_main_id: row.srp_fleet_main_id, character_id: row.character_id });
      if (userId === undefined) {
        problem("srp_srpuserrequest", row.id, `character ${character.character_id} has no owner here, and a request needs a member: skipped`);
        return null;
      }
      const link = parseKillLink(String(row.killboard_link ?? ""));
      if (!link) {
        problem("srp_srpuserrequest", row.id, `killboard link "${row.killboard_link}" names no kill: skipped`);
        return null;
      }
      if (await db.selectFrom("srp_requests").select("id").where("kill_id", "=", link.killId).executeTakeFirst()) {
        problem("srp_srpuserrequest", row.id, `kill ${link.killId} is already filed here: skipped`);
        return null;
      }
      const id = await insertReturningId(db, "srp_requests", {
        fleet_id: fleet,
        user_id: userId,
        character_id: character.id,
        character_name: character.character_name,
        killboard_link: String(row.killboard_link).slice(0, 254),
        kill_id: link.killId,
        additional_info: String(row.additional_info ?? ""),
        srp_status: choice(ctx, "srp_srpuserrequest", row.id, "srp_status", row.srp_status, SRP_STATUSES, "Pending"),
        srp_total_amount: Number(row.srp_total_amount ?? 0),
        kb_total_loss: Number(row.kb_total_loss ?? 0),
        // The original keeps the ship's name only: 0 = type unknown.
        ship_type_id: 0,
        srp_ship_name: String(row.srp_ship_name ?? "").slice(0, 254),
        post_time: date(row.post_time),
      });
      return String(id);
    },
  },
];

const fat: Step[] = [
  {
    table: "fleetactivitytracking_fatlink",
    async run(row, { db, maps, problem }) {
      const hash = String(row.hash);
      if (hash.length > 32 || (await db.selectFrom("fleetactivitytracking_fatlinks").select("id").where("hash", "=", hash).executeTakeFirst())) {
        problem("fleetactivitytracking_fatlink", row.id, `link hash "${hash}" is too long or taken here: skipped`);
        return null;
      }
      const creator = maps.num("auth_user", row.creator_id);
      const id = await insertReturningId(db, "fleetactivitytracking_fatlinks", {
        fleet: String(row.fleet ?? "").slice(0, 254),
        hash,
        duration: Number(row.duration),
        fatdatetime: date(row.fatdatetime),
        creator_id: creator ?? null,
        creator_name: creator === undefined ? "" : (await userLabel(db, creator)).slice(0, 254),
      });
      return String(id);
    },
  },
  {
    table: "fleetactivitytracking_fat",
    select: () => "select t.*, l.fatdatetime from fleetactivitytracking_fat t left join fleetactivitytracking_fatlink l on l.id = t.fatlink_id",
    async run(row, { db, maps, problem }) {
      const link = maps.num("fleetactivitytracking_fatlink", row.fatlink_id);
      const character = await characterOf(db, maps.num("eveonline_evecharacter", row.character_id));
      const userId = maps.num("auth_user", row.user_id);
      if (link === undefined || character === undefined || userId === undefined) return dangling(problem, "fleetactivitytracking_fat", row.id, { fatlink_id: row.fatlink_id, character_id: row.character_id, user_id: row.user_id });
      // The original records no corporation or time per click: the character's corporation and the link's time stand in.
      const id = await insertReturningId(db, "fleetactivitytracking_fats", {
        fatlink_id: link,
        character_id: character.id,
        user_id: userId,
        corporation_id: character.corporation_id,
        corporation_name: character.corporation_name,
        system: String(row.system ?? "").slice(0, 30),
        solar_system_id: null,
        station: String(row.station ?? "").slice(0, 125),
        shiptype: String(row.shiptype ?? "").slice(0, 100),
        ship_type_id: null,
        created_at: date(row.fatdatetime),
      });
      return String(id);
    },
  },
];

export const appSteps: Step[] = [...autogroups, ...timers, ...srp, ...fat];
