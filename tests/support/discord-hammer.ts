/**
 * One "worker process" for the two-process rate-limit test: a DiscordClient over the shared database
 * store that reads one member `count` times. It prints "ready" once loaded and starts on a line on
 * stdin, so the test can start both processes at the same moment. `memory` instead of a database URL gives the process its own store (the control case).
 * Prints {calls, errors, first, last} as JSON on its last line.
 * Usage: tsx tests/support/discord-hammer.ts <databaseUrl|memory> <apiBase> <botToken> <guildId> <userId> <count>
 */
import { DiscordClient } from "../../app/connectors/discord/api.server";
import { KyselyRateLimitStore, MemoryRateLimitStore } from "../../app/connectors/discord/rate-limit-store.server";
import { createDb } from "../../db/index.server";

const [databaseUrl, apiBase, botToken, guildId, userId, count] = process.argv.slice(2);
const db = databaseUrl === "memory" ? null : createDb(databaseUrl, { poolSize: 2 });
const store = db ? new KyselyRateLimitStore(db) : new MemoryRateLimitStore();
const client = new DiscordClient({ botToken, apiBase, store, maxWaitMs: 60_000, siteUrl: "https://hammer.example" });
const errors: string[] = [];
if (db) await store.invalidCount(Date.now()); // connect before saying ready
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
process.stdin.pause();
const first = Date.now();
for (let i = 0; i < Number(count); i++) {
  try {
    await client.getMember(guildId, userId);
  } catch (error) {
    errors.push((error as Error).message);
  }
}
const last = Date.now();
await db?.destroy();
process.stdout.write(`${JSON.stringify({ calls: client.calls, errors, first, last })}\n`);
