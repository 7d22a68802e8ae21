/**
 * Where rate-limit windows live, so that every worker and web process of the site shares them: an
 * in-memory store (one process, tests) and a database store (table `discord_ratelimits`).
 *
 * A window row: `lim` requests per window, `remaining` left, `reset_at` (epoch ms) when it refills to
 * `lim`, `window_ms` the window length used when a process sees it refill first. Keys:
 *   `route:<METHOD template>` → `bucket` = the bucket hash Discord told us for that route;
 *   `b:<hash>:<major>` / `r:<route>:<major>` → one bucket of one guild (or user token);
 *   `global` → requests per short window for the whole bot;
 *   `invalid` → invalid requests (401/403/429) counted in `remaining` over a 10-minute window.
 * Every change is one atomic UPDATE, so two processes can never both take the last request.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { dialectOf } from "../../../db/dialect";

export interface RateLimitStore {
  getBucket(route: string): Promise<string | null>;
  setBucket(route: string, hash: string): Promise<void>;
  /** Takes one request from window `key`: 0 when taken (or the window is unknown), else ms to wait. */
  acquire(key: string, now: number): Promise<number>;
  /** Like acquire, for a window of known size that is created on first use (the global limit). */
  acquireFixed(key: string, limit: number, windowMs: number, now: number): Promise<number>;
  /** What the response headers said: never raises `remaining` nor brings `reset_at` earlier within a window. */
  update(key: string, limit: number, remaining: number, resetAfterMs: number, now: number): Promise<void>;
  /** Nothing may be taken from `key` before `until` (after a 429); `shape` sizes a window not seen yet. */
  block(key: string, until: number, now: number, shape?: { limit: number; windowMs: number }): Promise<void>;
  /** Counts one invalid request; returns the count in the current window and when it ends. */
  countInvalid(now: number, windowMs: number): Promise<{ count: number; resetAt: number }>;
  invalidCount(now: number): Promise<{ count: number; resetAt: number }>;
}

interface Row {
  bucket: string | null;
  lim: number;
  remaining: number;
  resetAt: number;
  windowMs: number;
}

export class MemoryRateLimitStore implements RateLimitStore {
  private rows = new Map<string, Row>();

  async getBucket(route: string) {
    return this.rows.get(`route:${route}`)?.bucket ?? null;
  }
  async setBucket(route: string, hash: string) {
    this.rows.set(`route:${route}`, { bucket: hash, lim: 0, remaining: 0, resetAt: 0, windowMs: 0 });
  }
  private take(row: Row | undefined, now: number) {
    if (!row) return 0;
    if (row.resetAt <= now) {
      row.remaining = row.lim - 1;
      row.resetAt = now + row.windowMs;
      return 0;
    }
    if (row.remaining > 0) {
      row.remaining--;
      return 0;
    }
    return row.resetAt - now;
  }
  async acquire(key: string, now: number) {
    return this.take(this.rows.get(key), now);
  }
  async acquireFixed(key: string, limit: number, windowMs: number, now: number) {
    if (!this.rows.has(key)) this.rows.set(key, { bucket: null, lim: limit, remaining: limit, resetAt: 0, windowMs });
    return this.take(this.rows.get(key), now);
  }
  async update(key: string, limit: number, remaining: number, resetAfterMs: number, now: number) {
    const row = this.rows.get(key);
    if (!row) {
      this.rows.set(key, { bucket: null, lim: limit, remaining, resetAt: now + resetAfterMs, windowMs: resetAfterMs });
      return;
    }
    row.lim = limit;
    row.windowMs = Math.max(row.windowMs, resetAfterMs);
    if (row.resetAt <= now) {
      row.remaining = remaining;
      row.resetAt = now + resetAfterMs;
    } else {
      row.remaining = Math.min(row.remaining, remaining);
      row.resetAt = Math.max(row.resetAt, now + resetAfterMs);
    }
  }
  async block(key: string, until: number, _now: number, shape = { limit: 1, windowMs: 0 }) {
    const row = this.rows.get(key);
    if (!row) this.rows.set(key, { bucket: null, lim: shape.limit, remaining: 0, resetAt: until, windowMs: shape.windowMs });
    else {
      row.remaining = 0;
      row.resetAt = Math.max(row.resetAt, until);
    }
  }
  async countInvalid(now: number, windowMs: number) {
    let row = this.rows.get("invalid");
    if (!row || row.resetAt <= now) {
      row = { bucket: null, lim: 0, remaining: 0, resetAt: now + windowMs, windowMs };
      this.rows.set("invalid", row);
    }
    row.remaining++;
    return { count: row.remaining, resetAt: row.resetAt };
  }
  async invalidCount(now: number) {
    const row = this.rows.get("invalid");
    return row && row.resetAt > now ? { count: row.remaining, resetAt: row.resetAt } : { count: 0, resetAt: now };
  }
}

/** The shared store: one row per key in `discord_ratelimits`, on PostgreSQL or MySQL/MariaDB. */
export class KyselyRateLimitStore implements RateLimitStore {
  constructor(private readonly db: Kysely<DB>) {}

  private table() {
    return this.db.updateTable("discord_ratelimits");
  }

  /** Inserts the row unless another process already has. */
  private async ensure(key: string, values: { bucket?: string | null; lim: number; remaining: number; reset_at: number; window_ms: number }) {
    const row = { rl_key: key, bucket: values.bucket ?? null, lim: values.lim, remaining: values.remaining, reset_at: values.reset_at, window_ms: values.window_ms, updated_at: new Date() };
    const insert = this.db.insertInto("discord_ratelimits").values(row);
    if (dialectOf(this.db) === "mysql") await insert.ignore().execute();
    else await insert.onConflict((oc) => oc.column("rl_key").doNothing()).execute();
  }

  async getBucket(route: string) {
    const row = await this.db.selectFrom("discord_ratelimits").select("bucket").where("rl_key", "=", `route:${route}`).executeTakeFirst();
    return row?.bucket ?? null;
  }

  async setBucket(route: string, hash: string) {
    const key = `route:${route}`;
    const updated = await this.table().set({ bucket: hash, updated_at: new Date() }).where("rl_key", "=", key).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) await this.ensure(key, { bucket: hash, lim: 0, remaining: 0, reset_at: 0, window_ms: 0 });
  }

  /** One atomic take: "taken", the ms to wait, or "missing" when no process has seen the window. */
  private async tryTake(key: string, now: number): Promise<"taken" | "missing" | number> {
    // The SET order matters on MySQL, which evaluates assignments left to right: `remaining` must
    // read the old `reset_at`. PostgreSQL reads old values everywhere.
    const taken = await this.table()
      .set({
        remaining: sql`CASE WHEN reset_at <= ${now} THEN lim - 1 ELSE remaining - 1 END`,
        reset_at: sql`CASE WHEN reset_at <= ${now} THEN ${now} + window_ms ELSE reset_at END`,
      })
      .where("rl_key", "=", key)
      .where((eb) => eb.or([eb("reset_at", "<=", now), eb("remaining", ">", 0)]))
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) > 0) return "taken";
    const row = await this.db.selectFrom("discord_ratelimits").select("reset_at").where("rl_key", "=", key).executeTakeFirst();
    if (!row) return "missing";
    // Refilled between the two statements: try again at once.
    return Math.max(1, Number(row.reset_at) - now);
  }

  async acquire(key: string, now: number): Promise<number> {
    const result = await this.tryTake(key, now);
    return typeof result === "number" ? result : 0;
  }

  async acquireFixed(key: string, limit: number, windowMs: number, now: number) {
    let result = await this.tryTake(key, now);
    if (result === "missing") {
      await this.ensure(key, { lim: limit, remaining: limit, reset_at: 0, window_ms: windowMs });
      result = await this.tryTake(key, now);
    }
    return typeof result === "number" ? result : 0;
  }

  async update(key: string, limit: number, remaining: number, resetAfterMs: number, now: number) {
    const resetAt = now + resetAfterMs;
    const updated = await this.table()
      .set({
        remaining: sql`CASE WHEN reset_at <= ${now} THEN ${remaining} ELSE LEAST(remaining, ${remaining}) END`,
        reset_at: sql`CASE WHEN reset_at <= ${now} THEN ${resetAt} ELSE GREATEST(reset_at, ${resetAt}) END`,
        lim: limit,
        window_ms: sql`GREATEST(window_ms, ${resetAfterMs})`,
        updated_at: new Date(),
      })
      .where("rl_key", "=", key)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await this.ensure(key, { lim: limit, remaining, reset_at: resetAt, window_ms: resetAfterMs });
    }
  }

  async block(key: string, until: number, _now: number, shape = { limit: 1, windowMs: 0 }) {
    const updated = await this.table()
      .set({ remaining: 0, reset_at: sql`GREATEST(reset_at, ${until})`, updated_at: new Date() })
      .where("rl_key", "=", key)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await this.ensure(key, { lim: shape.limit, remaining: 0, reset_at: until, window_ms: shape.windowMs });
      await this.table().set({ remaining: 0, reset_at: sql`GREATEST(reset_at, ${until})` }).where("rl_key", "=", key).execute();
    }
  }

  async countInvalid(now: number, windowMs: number) {
    await this.ensure("invalid", { lim: 0, remaining: 0, reset_at: 0, window_ms: windowMs });
    await this.table()
      .set({
        remaining: sql`CASE WHEN reset_at <= ${now} THEN 1 ELSE remaining + 1 END`,
        reset_at: sql`CASE WHEN reset_at <= ${now} THEN ${now + windowMs} ELSE reset_at END`,
      })
      .where("rl_key", "=", "invalid")
      .execute();
    return this.invalidCount(now);
  }

  async invalidCount(now: number) {
    const row = await this.db.selectFrom("discord_ratelimits").select(["remaining", "reset_at"]).where("rl_key", "=", "invalid").executeTakeFirst();
    const resetAt = Number(row?.reset_at ?? 0);
    return row && resetAt > now ? { count: Number(row.remaining), resetAt } : { count: 0, resetAt: now };
  }
}
