/**
 * One "worker process" for the two-process rate-limit test: a DiscordClient over the shared database
 * store that reads one member `count` times, starting at `startAt` (epoch ms) so both processes
 * collide. `memory` instead of a database URL gives the process its own store (the control case).
 * Prints {calls, errors, first, last} as JSON.
 * Usage: tsx tests/support/discord-hammer.ts <databaseUrl|memory> <apiBase> <botToken> <guildId> <userId> <count> <startAt>
 */
import { DiscordClient } from "../../app/connectors/discord/api.server";
import { KyselyRateLimitStore, MemoryRateLimitStore } from "../../app/connectors/discord/rate-limit-store.server";
import { createDb } from "../../db/index.server";

const [databaseUrl, apiBase, botToken, guildId, userId, count, startAt] = process.argv.slice(2);
const db = databaseUrl === "memory" ? null : createDb(databaseUrl, { poolSize: 2 });
const store = db ? new KyselyRateLimitStore(db) : new MemoryRateLimitStore();
const client = new DiscordClient({ botToken, apiBase, store, maxWaitMs: 60_000, siteUrl: "https://hammer.example" });
const errors: string[] = [];
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
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
process.stdout.write(JSON.stringify({ calls: client.calls, errors, first, last }));
