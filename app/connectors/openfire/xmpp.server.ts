/**
 * One XMPP message from the broadcast bot (@xmpp/client): log in (STARTTLS when the server offers it,
 * direct TLS on port 5223; SASL SCRAM-SHA-1 or PLAIN), send presence, send one `chat` message, close.
 * Openfire's Broadcast plugin fans `<group>@broadcast.<domain>` out to the group's members.
 */
import { client, xml } from "@xmpp/client";

export class BroadcastError extends Error {}

export interface XmppBot {
  jid: string;
  password: string;
  host: string;
  port: number;
  timeoutMs?: number;
}

export async function sendXmppMessage(bot: XmppBot, to: string, body: string): Promise<void> {
  const [username, domain] = bot.jid.split("@");
  if (!username || !domain) throw new BroadcastError("BROADCAST_USER must be a full JID (user@domain)");
  const xmpp = client({ service: `${bot.port === 5223 ? "xmpps" : "xmpp"}://${bot.host}:${bot.port}`, domain: domain.split("/")[0], username, password: bot.password, resource: `aa-broadcast-${Date.now().toString(36)}` });
  xmpp.reconnect.stop();
  // Errors after start are reported as events; without a listener they would be thrown at the process.
  let failure: Error | null = null;
  xmpp.on("error", (error: Error) => {
    failure ??= error;
  });
  const timeout = bot.timeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      xmpp.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new BroadcastError(`no session within ${timeout} ms`)), timeout);
      }),
    ]);
    await xmpp.send(xml("presence"));
    await xmpp.send(xml("message", { type: "chat", to }, xml("body", {}, body)));
  } catch (error) {
    throw new BroadcastError(`Unable to send the broadcast: ${(failure ?? (error as Error)).message}`);
  } finally {
    clearTimeout(timer);
    await xmpp.stop().catch(() => {});
  }
}
