/**
 * The admin user list at 100,000 users (half with a main character in one of 50 corporations):
 * keyset pages by username (first page and 20 pages in), by join date, a search, and filters.
 * Runs the list query layer the page uses (engine.server listPage) in this process, on its own
 * database (embedded PostgreSQL, or a new database on BENCH_DATABASE_URL's server).
 */
import { performance } from "node:perf_hooks";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import type { CurrentUser } from "../../app/web/guards.server";
import type { PermissionKey } from "../../app/modules/auth/permission-types";
import { listPage, listParams } from "../../app/web/admin-engine.server";
import { adminResource, type AdminCtx } from "../../app/modules/admin/registry.server";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import type { Benchmark, Figure } from "../types";
import { insertChunked, ownDatabase, useBenchSettings } from "./states";

const USERS = 100_000;
const CORPORATIONS = 50;
const CORPORATION_BASE = 98_500_000;
const TARGET_MS = 200;
const REPEAT = 5;

async function seed(db: Database) {
  const now = new Date();
  await insertChunked(
    db,
    "eve_corporations",
    Array.from({ length: CORPORATIONS }, (_, c) => ({ corporation_id: CORPORATION_BASE + c, corporation_name: `List Corp ${c}`, corporation_ticker: `LC${c}`, member_count: 1000, ceo_id: null, alliance_id: null, faction_id: null, updated_at: now })),
  );
  const mains = USERS / 2;
  await insertChunked(
    db,
    "eve_characters",
    Array.from({ length: mains }, (_, i) => ({ character_id: 95_000_000 + i, character_name: `Pilot ${String(i).padStart(6, "0")}`, corporation_id: CORPORATION_BASE + (i % CORPORATIONS), corporation_name: `List Corp ${i % CORPORATIONS}`, corporation_ticker: `LC${i % CORPORATIONS}`, alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: now })),
  );
  const characters = await db.selectFrom("eve_characters").select(["id", "character_id"]).execute();
  const byEveId = new Map(characters.map((c) => [c.character_id, c.id]));
  await insertChunked(
    db,
    "users",
    Array.from({ length: USERS }, (_, i) => ({
      username: `member_${String(i).padStart(6, "0")}`,
      email: null,
      password_hash: null,
      is_active: i % 10 !== 0,
      is_staff: i % 1000 === 0,
      is_superuser: false,
      language: null,
      theme: null,
      date_joined: new Date(now.getTime() - i * 60_000),
      last_login: null,
      main_character_id: i < mains ? byEveId.get(95_000_000 + i)! : null,
    })),
  );
}

export const adminList: Benchmark = {
  name: "admin-list",
  async run(ctx) {
    const database = await ownDatabase("admin_list", ctx.progress);
    let db: Database | undefined;
    try {
      useBenchSettings();
      db = createDb(database.url, { poolSize: 5 });
      await migrateToLatest(db);
      await syncPermissionCatalogue(db);
      ctx.progress(`  storing ${USERS} users (${USERS / 2} with mains in ${CORPORATIONS} corporations)…`);
      await seed(db);
      const resource = adminResource("users")!;
      const user = { id: 0, username: "bench", is_active: true, is_staff: true, is_superuser: true, permissions: new Set<PermissionKey>() } as unknown as CurrentUser;
      const admin: AdminCtx = { db, user, actor: { userId: null, label: "bench" } };
      const page = async (query: string) => {
        const times: number[] = [];
        let result: Awaited<ReturnType<typeof listPage>> | undefined;
        for (let i = 0; i < REPEAT; i++) {
          const started = performance.now();
          result = await listPage(admin, resource, listParams(resource, new URL(`http://x/admin/users?${query}`)));
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        return { median: times[Math.floor(times.length / 2)]!, max: times[times.length - 1]!, rows: result!.rows.length, next: result!.next };
      };
      ctx.progress("  paging, searching and filtering…");
      await page("sort=username"); // warm-up
      const first = await page("sort=username&dir=asc");
      // 20 pages in, following the keyset cursor.
      let cursor = first.next;
      for (let i = 0; i < 19 && cursor; i++) cursor = (await page(`sort=username&dir=asc&after=${cursor}`)).next;
      const deep = await page(`sort=username&dir=asc&after=${cursor}`);
      const joined = await page("sort=date_joined&dir=desc");
      const search = await page("q=member_0999&sort=username");
      const searchMain = await page("q=pilot%2004999&sort=username");
      const filtered = await page(`corporation=${CORPORATION_BASE + 7}&is_active=1&sort=username`);
      const cases: [string, typeof first][] = [
        ["first page", first],
        ["page 21", deep],
        ["by join date", joined],
        ["search username", search],
        ["search main", searchMain],
        ["corp+active filter", filtered],
      ];
      const worst = Math.max(...cases.map(([, c]) => c.median));
      const figure: Figure = {
        name: "admin user list",
        metrics: [...cases.map(([name, c]) => ({ key: name.replace(/\s+/g, "_"), value: c.median, unit: "ms" as const, digits: 1 })), { key: "users", value: USERS, unit: "" }],
        baseline: "original: Django admin changelist, OFFSET paging with a COUNT(*) per page",
        targets: [{ label: `admin user list: every page/search of ${USERS} users in < ${TARGET_MS} ms`, met: worst < TARGET_MS, detail: `slowest median ${worst.toFixed(1)} ms` }],
        details: Object.fromEntries(cases.flatMap(([name, c]) => [[`${name} median ms`, Number(c.median.toFixed(2))], [`${name} max ms`, Number(c.max.toFixed(2))], [`${name} rows`, c.rows]])),
      };
      return [figure];
    } finally {
      await db?.destroy().catch(() => {});
      await database.cleanup().catch((error: Error) => ctx.progress(`  cleanup: ${error.message}`));
    }
  },
};
