/**
 * TeamSpeak 3's settings from the original: the server groups it mirrored (TSgroup, ids are the
 * server's own sgid, kept), the Auth group → server groups mappings (AuthTS) and the state → server
 * group mappings (StateGroup). The per-user group cache (UserTSgroup) is not copied: our sync reads
 * each client's groups from the server.
 */
import { type Step } from "./context.server";
import { dangling, insertReturningId } from "./steps-identity.server";

export const ts3Steps: Step[] = [
  {
    table: "teamspeak3_tsgroup",
    key: "ts_group_id",
    async run(row, { db }) {
      const sgid = Number(row.ts_group_id);
      const found = await db.selectFrom("ts3_server_groups").select("sgid").where("sgid", "=", sgid).executeTakeFirst();
      if (!found) await db.insertInto("ts3_server_groups").values({ sgid, name: String(row.ts_group_name).slice(0, 64) }).execute();
      return String(sgid);
    },
  },
  {
    table: "teamspeak3_authts",
    async run(row, { db, maps, problem }) {
      const group = maps.num("auth_group", row.auth_group_id);
      if (group === undefined) return dangling(problem, "teamspeak3_authts", row.id, { auth_group_id: row.auth_group_id });
      const found = await db.selectFrom("ts3_auth_groups").select("id").where("group_id", "=", group).executeTakeFirst();
      return String(found?.id ?? (await insertReturningId(db, "ts3_auth_groups", { group_id: group })));
    },
  },
  {
    table: "teamspeak3_authts_ts_group",
    async run(row, { db, maps, problem }) {
      const authTs = maps.num("teamspeak3_authts", row.authts_id);
      const sgid = maps.num("teamspeak3_tsgroup", row.tsgroup_id);
      if (authTs === undefined || sgid === undefined) return dangling(problem, "teamspeak3_authts_ts_group", row.id, { authts_id: row.authts_id, tsgroup_id: row.tsgroup_id });
      const found = await db.selectFrom("ts3_auth_group_server_groups").select("sgid").where("auth_ts_id", "=", authTs).where("sgid", "=", sgid).executeTakeFirst();
      if (!found) await db.insertInto("ts3_auth_group_server_groups").values({ auth_ts_id: authTs, sgid }).execute();
      return `${authTs}:${sgid}`;
    },
  },
  {
    table: "teamspeak3_stategroup",
    async run(row, { db, maps, problem }) {
      const state = maps.num("authentication_state", row.state_id);
      const sgid = maps.num("teamspeak3_tsgroup", row.ts_group_id);
      if (state === undefined || sgid === undefined) return dangling(problem, "teamspeak3_stategroup", row.id, { state_id: row.state_id, ts_group_id: row.ts_group_id });
      const found = await db.selectFrom("ts3_state_groups").select("id").where("state_id", "=", state).where("sgid", "=", sgid).executeTakeFirst();
      return String(found?.id ?? (await insertReturningId(db, "ts3_state_groups", { state_id: state, sgid })));
    },
  },
];
