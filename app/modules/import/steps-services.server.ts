/**
 * Import steps for the services: name formats (every service, so they are ready when its connector
 * arrives) and the linked accounts of the services whose connector exists here. Discord: the
 * original's DiscordUser (uid, username, discriminator, activated) becomes a service_accounts row;
 * the next sync or reconcile brings the member to our desired state. Accounts of services without a
 * connector stay in the report's "not imported" list (docs/decisions/0017-alliance-auth-import.md).
 */
import { connectorMeta } from "../../connectors/catalogue";
import { discordDisplayName } from "../../connectors/discord/port";
import { date, type Step } from "./context.server";
import { dangling, insertReturningId } from "./steps-identity.server";

const nameFormats: Step = {
  table: "services_nameformatconfig",
  async run(row, { db, problem }) {
    const service = String(row.service_name).toLowerCase();
    if (!connectorMeta(service)) {
      problem("services_nameformatconfig", row.id, `unknown service "${row.service_name}": skipped`);
      return null;
    }
    const id = await insertReturningId(db, "service_name_formats", { service, format: String(row.format).slice(0, 100), default_to_username: Boolean(Number(row.default_to_username)) });
    return String(id);
  },
};

const nameFormatStates: Step = {
  table: "services_nameformatconfig_states",
  async run(row, { db, maps, problem }) {
    const formatId = maps.num("services_nameformatconfig", row.nameformatconfig_id);
    const stateId = maps.num("authentication_state", row.state_id);
    if (formatId === undefined || stateId === undefined) return dangling(problem, "services_nameformatconfig_states", row.id, { nameformatconfig_id: row.nameformatconfig_id, state_id: row.state_id });
    const format = await db.selectFrom("service_name_formats").select("service").where("id", "=", formatId).executeTakeFirstOrThrow();
    // One format per service and state: a second one for the same pair is the original's data error.
    const taken = await db.selectFrom("service_name_format_states").select("name_format_id").where("service", "=", format.service).where("state_id", "=", stateId).executeTakeFirst();
    if (taken) {
      problem("services_nameformatconfig_states", row.id, `state ${row.state_id} already has a ${format.service} name format: skipped`);
      return null;
    }
    await db.insertInto("service_name_format_states").values({ name_format_id: formatId, service: format.service, state_id: stateId }).execute();
    return `${formatId}:${stateId}`;
  },
};

const discordUsers: Step = {
  table: "discord_discorduser",
  key: "user_id",
  async run(row, { db, maps, now, problem }) {
    const userId = maps.num("auth_user", row.user_id);
    if (userId === undefined) return dangling(problem, "discord_discorduser", row.user_id, { user_id: row.user_id });
    const existing = await db.selectFrom("service_accounts").select("id").where("user_id", "=", userId).where("service", "=", "discord").executeTakeFirst();
    if (existing) {
      problem("discord_discorduser", row.user_id, "the user already has a Discord account here: kept ours");
      return null;
    }
    const username = discordDisplayName({ username: String(row.username ?? ""), discriminator: String(row.discriminator ?? "0") });
    const id = await insertReturningId(db, "service_accounts", {
      user_id: userId,
      service: "discord",
      remote_id: String(row.uid),
      remote_username: username ? username.slice(0, 191) : null,
      credentials: null,
      status: "active",
      synced: null,
      activated_at: row.activated ? date(row.activated) : now,
      last_sync_at: null,
      last_error: null,
      last_error_at: null,
      removal_due_at: null,
    });
    return String(id);
  },
};

export const serviceSteps: Step[] = [nameFormats, nameFormatStates, discordUsers];
