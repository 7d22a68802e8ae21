/**
 * One XMPP message from the broadcast bot (@xmpp/client): log in (STARTTLS when the server offers it,
 * direct TLS on port 5223; SASL SCRAM-SHA-1 or PLAIN), send presence, send one `chat` message, close.
 * Openfire's Broadcast plugin fans `<group>@broadcast.<domain>` out to the group's members.
 * `ignoreInvalidCert` (BROADCAST_IGNORE_INVALID_CERT) accepts a certificate that does not verify, on
 * both the direct TLS and the STARTTLS path (the original's `ssl_invalid_cert` handler).
 */
import { client, xml } from "@xmpp/client";

export class BroadcastError extends Error {}

export interface XmppBot {
  jid: string;
  password: string;
  host: string;
  port: number;
  timeoutMs?: number;
  ignoreInvalidCert?: boolean;
}

/** The part of the client the TLS switch reaches (not in the library's published surface). */
interface TlsReach {
  socket: object | null;
  socketParameters(service: string): Record<string, unknown> | undefined;
  transports: { prototype: { socketParameters(service: string): unknown; Socket: { prototype: { connect(options: unknown, ...rest: unknown[]): unknown } } } }[];
}

/** Plain sockets of lenient clients: their STARTTLS upgrade skips certificate verification. */
const lenientSockets = new WeakSet<object>();
const PATCHED = Symbol.for("allianceauth.xmpp.lenient-tls");

/**
 * @xmpp/client 0.14 passes no TLS options of its own: direct TLS takes them from socketParameters (wrapped
 * here per client), STARTTLS builds its TLS socket from the TLS transport's Socket class with the plain
 * socket in the options; that class's connect adds `rejectUnauthorized: false` for sockets marked here
 * only, so other clients in the process keep verifying.
 */
function allowInvalidCertificate(xmpp: TlsReach) {
  const tls = xmpp.transports.find((T) => {
    try {
      return T.prototype.socketParameters("xmpps://tls.invalid:5223") !== undefined;
    } catch {
      return false;
    }
  })?.prototype.Socket;
  if (!tls) throw new BroadcastError("the XMPP client has no TLS transport");
  const proto = tls.prototype as typeof tls.prototype & { [PATCHED]?: true };
  if (!proto[PATCHED]) {
    const connect = proto.connect;
    proto.connect = function (options: unknown, ...rest: unknown[]) {
      const plain = (options as { socket?: object } | null)?.socket;
      return connect.call(this, plain && lenientSockets.has(plain) ? { ...(options as object), rejectUnauthorized: false } : options, ...rest);
    };
    proto[PATCHED] = true;
  }
  const base = xmpp.socketParameters.bind(xmpp);
  xmpp.socketParameters = (service) => {
    // Called right after the client attached its new socket.
    if (xmpp.socket) lenientSockets.add(xmpp.socket);
    const params = base(service);
    return params && { ...params, rejectUnauthorized: false };
  };
}

export async function sendXmppMessage(bot: XmppBot, to: string, body: string): Promise<void> {
  const [username, domain] = bot.jid.split("@");
  if (!username || !domain) throw new BroadcastError("BROADCAST_USER must be a full JID (user@domain)");
  const xmpp = client({ service: `${bot.port === 5223 ? "xmpps" : "xmpp"}://${bot.host}:${bot.port}`, domain: domain.split("/")[0], username, password: bot.password, resource: `aa-broadcast-${Date.now().toString(36)}` });
  xmpp.reconnect.stop();
  if (bot.ignoreInvalidCert) allowInvalidCertificate(xmpp as unknown as TlsReach);
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
