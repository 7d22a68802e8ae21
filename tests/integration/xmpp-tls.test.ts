/**
 * BROADCAST_IGNORE_INVALID_CERT against Debian's prosody requiring STARTTLS with a self-signed
 * certificate: by default the broadcast bot refuses the certificate and sends nothing; with the switch
 * on it logs in over TLS and sends; the switch stays with that client (a verifying client afterwards
 * refuses again). Skipped without prosody or the CI's TEST_* variables.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BroadcastError, sendXmppMessage } from "~/connectors/openfire/xmpp.server";
import { prosodySkipReason, startProsody, type Prosody } from "../support/prosody";

const C2S_PORT = 3436;
const skipReason = prosodySkipReason();
if (skipReason) console.warn(`[xmpp-tls] skipped: ${skipReason}`);

describe.skipIf(Boolean(skipReason))("broadcast bot over STARTTLS with a self-signed certificate", () => {
  let prosody: Prosody;
  const bot = { jid: "broadcast@localhost", password: "bot-password", host: "127.0.0.1", port: C2S_PORT, timeoutMs: 8000 };

  beforeAll(async () => {
    prosody = await startProsody({ port: C2S_PORT, allowedSenders: ["broadcast@localhost"], selfSignedTls: true });
    await prosody.register("broadcast", "bot-password");
  }, 30_000);
  afterAll(async () => {
    await prosody?.stop();
  });

  it("refuses the certificate by default; BROADCAST_IGNORE_INVALID_CERT accepts it for that client only", async () => {
    const send = (ignoreInvalidCert?: boolean) => sendXmppMessage({ ...bot, ignoreInvalidCert }, "all@broadcast.localhost", "ping");
    await expect(send()).rejects.toThrow(BroadcastError);
    await expect(send()).rejects.toThrow(/self[- ]signed|certificate/i);
    await expect(send(true)).resolves.toBeUndefined();
    await expect(send(false)).rejects.toThrow(/self[- ]signed|certificate/i);
  }, 40_000);
});
