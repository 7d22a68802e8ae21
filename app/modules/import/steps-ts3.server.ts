/**
 * TeamSpeak 3's settings from the original: the server groups it mirrored (TSgroup, ids are the
 * server's own sgid, kept), the Auth group → server groups mappings (AuthTS) and the state → server
 * group mappings (StateGroup). The per-user group cache (UserTSgroup) is not copied: our sync reads
 * each client's groups from the server.
 */
import { type Step } from "./context.server";
import { link } from "./steps-access.server";
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
  link("teamspeak3_authts_ts_group", "ts3_auth_group_server_groups", ["authts_id", "teamspeak3_authts", "auth_ts_id"], ["tsgroup_id", "teamspeak3_tsgroup", "sgid"]),
  link("teamspeak3_stategroup", "ts3_state_groups", ["state_id", "authentication_state", "state_id"], ["ts_group_id", "teamspeak3_tsgroup", "sgid"]),
];
