/**
 * Import steps for the services: name formats (every service, so they are ready when its connector
 * arrives) and the linked accounts of every connector we have. Each of the original's `<service>user`
 * tables becomes service_accounts rows (remote id and name as our connector keeps them); Mumble's rows
 * are also copied into mumble_mumbleuser with their passlib hashes (the authenticator keeps accepting
 * the members' passwords); TeamSpeak's server groups and its group and state mappings come along, and
 * an unredeemed privilege key stays the pending key. The next sync or reconcile brings each member to
 * our desired state. Rules: docs/decisions/0017-alliance-auth-import.md and 0039.
 */
import { connectorMeta } from "../../connectors/catalogue";
import { discordDisplayName } from "../../connectors/discord/port";
import { date, type Step, type StepContext } from "./context.server";
import type { SourceRow } from "./source.server";
import { dangling, insertReturningId } from "./steps-identity.server";
import { ts3Steps } from "./steps-ts3.server";

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

interface Linked {
  remoteId: string | null;
  remoteUsername: string | null;
  credentials?: string | null;
  activatedAt?: Date;
}

/**
 * One service's account table (keyed by user_id): the account of a mapped user becomes a
 * service_accounts row; a user who already has an account of that service here keeps ours.
 * `also` writes what the connector keeps beside the account (Mumble's row); null there skips the row.
 */
function accounts(table: string, service: string, linked: (row: SourceRow, userId: number, ctx: StepContext) => Linked, also?: (row: SourceRow, userId: number, ctx: StepContext) => Promise<boolean>): Step {
  return {
    table,
    key: "user_id",
    async run(row, ctx) {
      const { db, maps, now, problem } = ctx;
      const userId = maps.num("auth_user", row.user_id);
      if (userId === undefined) return dangling(problem, table, row.user_id, { user_id: row.user_id });
      const existing = await db.selectFrom("service_accounts").select("id").where("user_id", "=", userId).where("service", "=", service).executeTakeFirst();
      if (existing) {
        problem(table, row.user_id, `the user already has a ${service} account here: kept ours`);
        return null;
      }
      if (also && !(await also(row, userId, ctx))) return null;
      const account = linked(row, userId, ctx);
      const id = await insertReturningId(db, "service_accounts", {
        user_id: userId,
        service,
        remote_id: account.remoteId?.slice(0, 191) ?? null,
        remote_username: account.remoteUsername?.slice(0, 191) ?? null,
        credentials: account.credentials ?? null,
        status: "active",
        synced: null,
        activated_at: account.activatedAt ?? now,
        last_sync_at: null,
        last_error: null,
        last_error_at: null,
        removal_due_at: null,
      });
      return String(id);
    },
  };
}

const text = (value: unknown) => (value === null || value === undefined || value === "" ? null : String(value));
const at = (value: unknown) => (value === null || value === undefined ? null : date(value));

/** Mumble's row as the authenticator reads it, hash and all; a name held by another member here skips the account. */
async function mumbleRow(row: SourceRow, userId: number, { db, problem }: StepContext) {
  const username = String(row.username);
  // Installs from before the display name column: the login name is the name shown.
  const displayName = String(row.display_name ?? username);
  const clash = await db
    .selectFrom("mumble_mumbleuser")
    .select("user_id")
    .where((eb) => eb.or([eb("user_id", "=", userId), eb("username", "=", username), eb("display_name", "=", displayName)]))
    .executeTakeFirst();
  if (clash) {
    problem("mumble_mumbleuser", row.user_id, `the Mumble name "${username}" or "${displayName}" is held here (user ${clash.user_id}): skipped`);
    return false;
  }
  await db
    .insertInto("mumble_mumbleuser")
    .values({
      user_id: userId,
      username,
      display_name: displayName,
      pwhash: String(row.pwhash),
      hashfn: String(row.hashfn || "bcrypt-sha256"),
      groups: text(row.groups),
      certhash: text(row.certhash),
      release: text(row.release),
      version: row.version === null || row.version === undefined ? null : Number(row.version),
      last_connect: at(row.last_connect),
      last_disconnect: at(row.last_disconnect),
    })
    .execute();
  return true;
}

/** The forums AA drives through their database keep only the login name: the id is looked up at the first sync. */
const byName = (row: SourceRow): Linked => ({ remoteId: null, remoteUsername: String(row.username) });

export const serviceSteps: Step[] = [
  nameFormats,
  nameFormatStates,
  accounts("discord_discorduser", "discord", (row, _userId, { now }) => ({
    remoteId: String(row.uid),
    remoteUsername: discordDisplayName({ username: String(row.username ?? ""), discriminator: String(row.discriminator ?? "0") }) || null,
    activatedAt: row.activated ? date(row.activated) : now,
  })),
  // Table mode (the original's authenticator): the account's remote id is our user id, as activation writes it.
  accounts("mumble_mumbleuser", "mumble", (row, userId) => ({ remoteId: String(userId), remoteUsername: String(row.username) }), mumbleRow),
  ...ts3Steps,
  accounts("teamspeak3_teamspeak3user", "teamspeak3", (row, _userId, { box }) => ({ remoteId: String(row.uid), remoteUsername: String(row.uid), credentials: row.perm_key ? box.encrypt(String(row.perm_key)) : null })),
  accounts("phpbb3_phpbb3user", "phpbb3", byName),
  accounts("smf_smfuser", "smf", byName),
  accounts("ips4_ips4user", "ips4", (row) => ({ remoteId: String(row.id), remoteUsername: String(row.username) })),
  accounts("xenforo_xenforouser", "xenforo", (row) => ({ remoteId: null, remoteUsername: String(row.username) })),
  // Discourse knows the member by the original's user id (its SSO external_id): that stays the remote id.
  // A row with enabled = 0 is linked too: our sync decides access and suspends whoever has none.
  accounts("discourse_discourseuser", "discourse", (row) => ({ remoteId: String(row.user_id), remoteUsername: null })),
  accounts("openfire_openfireuser", "openfire", (row) => ({ remoteId: String(row.username), remoteUsername: String(row.username) })),
];
