/**
 * The original's Jabber broadcast ("ping"): `auth.jabber_broadcast` sends to the member's own groups,
 * `auth.jabber_broadcast_all` to `all` and every group. The text gets the original's footer (sender,
 * group, UTC time, replies not monitored) and goes to `<group>@<BROADCAST_SERVICE_NAME>.<JABBER_URL>`.
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "~/modules/audit/audit.server";
import { meta } from "./meta";
import { openfireSettings } from "./settings";
import { sendXmppMessage } from "./xmpp.server";

export const BROADCAST_PERMISSION = "auth.jabber_broadcast" as const;
export const BROADCAST_ALL_PERMISSION = "auth.jabber_broadcast_all" as const;
export const MAX_BROADCAST_LENGTH = 10_000;

export function broadcastConfigured(settings: Settings) {
  return openfireSettings(settings).broadcast.configured;
}

/** The groups this member may broadcast to. */
export async function broadcastChoices(db: Kysely<DB>, user: { id: number; permissions: Set<string>; is_superuser: boolean }): Promise<string[]> {
  if (user.is_superuser || user.permissions.has(BROADCAST_ALL_PERMISSION)) {
    const groups = await db.selectFrom("auth_groups").select("name").orderBy("name").execute();
    return ["all", ...groups.map((g) => g.name)];
  }
  const own = await db.selectFrom("user_groups as ug").innerJoin("auth_groups as g", "g.id", "ug.group_id").select("g.name").where("ug.user_id", "=", user.id).orderBy("g.name").execute();
  return own.map((g) => g.name);
}

function utcStamp(at: Date) {
  return at.toISOString().slice(0, 19).replace("T", " ");
}

/** The message as the original sends it. */
export async function composeBroadcast(db: Kysely<DB>, userId: number, group: string, message: string, at = new Date()) {
  const main = await db.selectFrom("users as u").innerJoin("eve_characters as c", "c.id", "u.main_character_id").select(["c.character_name", "c.corporation_ticker"]).where("u.id", "=", userId).executeTakeFirst();
  const sender = main ? `[${main.corporation_ticker}]${main.character_name}` : "No character but can send pings?";
  return `${message}\n##### SENT BY: ${sender} TO: ${group} WHEN: ${utcStamp(at)} #####\n##### Replies are NOT monitored #####\n`;
}

export function broadcastAddress(settings: Settings, group: string) {
  const s = openfireSettings(settings);
  return `${meta.sanitiseGroupName(group)}@${s.broadcast.serviceName}.${s.domain}`;
}

/** Sends (throws BroadcastError when the bot cannot log in or send) and audits. */
export async function sendBroadcast(db: Kysely<DB>, settings: Settings, actor: Actor & { userId: number }, group: string, message: string) {
  const s = openfireSettings(settings).broadcast;
  const to = broadcastAddress(settings, group);
  await sendXmppMessage({ jid: s.jid, password: s.password, host: s.host, port: s.port, ignoreInvalidCert: s.ignoreInvalidCert }, to, await composeBroadcast(db, actor.userId, group, message));
  await writeAudit(db, actor, { action: "openfire.broadcast", targetType: "group", targetId: null, after: { group, to, length: message.length } });
  return { to };
}
