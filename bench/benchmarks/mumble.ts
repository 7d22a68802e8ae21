/**
 * Mumble full group sync (`mumble.update_all`) on its own database: N linked members (each in one of
 * 20 groups, plus the Member state), 2 % drifted. Table mode: the rows' groups or display names
 * changed by hand; the figure is the SQL statements and wall time. Direct mode (only where Debian's
 * murmurd is installed): a real murmur with the N users registered and the root ACL groups filled,
 * 2 % removed from their group by hand; the figure is the Ice calls and wall time.
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import type { Settings } from "../../app/config.server";
import { connectorById } from "../../app/connectors/registry.server";
import { withMembership, withMurmur } from "../../app/connectors/mumble/murmur.server";
import { hashMumblePassword } from "../../app/connectors/mumble/password.server";
import { mumbleSettings } from "../../app/connectors/mumble/settings";
import { groupsColumn } from "../../app/connectors/mumble/store.server";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import { reconcileService } from "../../app/modules/services/runner.server";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import { MURMURD, startMurmur, type Murmur } from "../../tests/support/murmur";
import { insertChunked, ownDatabase, useBenchSettings } from "./states";
import type { Benchmark, Figure } from "../types";

const GROUPS = 20;
const DRIFT = 0.02;
const groupName = (g: number) => `Bench-Voice-${g}`;

async function seed(db: Database, members: number, murmurIds: number[] | null) {
  const now = new Date();
  const state = await db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow();
  const perm = await db.selectFrom("permissions").select("id").where("app_label", "=", "mumble").where("codename", "=", "access_mumble").executeTakeFirstOrThrow();
  await db.insertInto("state_permissions").values({ state_id: state.id, permission_id: perm.id }).execute();
  await insertChunked(db, "auth_groups", Array.from({ length: GROUPS }, (_, g) => ({ name: groupName(g).replace(/-/g, " ") })));
  const groups = await db.selectFrom("auth_groups").select(["id", "name"]).orderBy("id").execute();
  await insertChunked(
    db,
    "eve_characters",
    Array.from({ length: members }, (_, i) => ({ character_id: 92_000_000 + i, character_name: `Voice Pilot ${i}`, corporation_id: 98_300_000, corporation_name: "Voice Corp", corporation_ticker: "VOX", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: now })),
  );
  const chars = await db.selectFrom("eve_characters").select(["id", "character_id"]).orderBy("character_id").execute();
  await insertChunked(db, "users", chars.map((c) => ({ username: `mbench_${c.character_id}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: now, last_login: null, main_character_id: c.id, state_id: state.id })));
  const users = await db.selectFrom("users").select(["id"]).where("username", "like", "mbench_%").orderBy("main_character_id").execute();
  await insertChunked(db, "user_groups", users.map((u, i) => ({ user_id: u.id, group_id: groups[i % GROUPS]!.id })));
  const pwhash = hashMumblePassword(randomBytes(12).toString("hex"), 4);
  const step = Math.round(1 / DRIFT);
  let drifted = 0;
  const rows = users.map((u, i) => {
    let groupsValue = groupsColumn([groupName(i % GROUPS), "Member"]);
    let display = `[VOX]Voice Pilot ${i}`;
    if (!murmurIds && i % step === 0) {
      drifted++;
      if (i % (2 * step) === 0) groupsValue = "Member";
      else display = `Renamed By Hand ${i}`;
    }
    return { user_id: u.id, username: `[VOX]Voice_Pilot_${i}`, pwhash, hashfn: "bcrypt-sha256", groups: groupsValue, certhash: null, display_name: display, release: null, version: null, last_connect: null, last_disconnect: null };
  });
  await insertChunked(db, "mumble_mumbleuser", rows);
  await insertChunked(db, "service_accounts", users.map((u, i) => ({ user_id: u.id, service: "mumble", remote_id: String(murmurIds ? murmurIds[i] : u.id), remote_username: `[VOX]Voice_Pilot_${i}`, credentials: null, status: "active" as const, synced: null, activated_at: now, last_sync_at: null, last_error: null, last_error_at: null, removal_due_at: null })));
  return drifted;
}

/** Registers N users in murmur and fills the root ACL groups, with 2 % left out (the drift). */
async function seedMurmur(settings: Settings, members: number, progress: (m: string) => void) {
  progress(`  registering ${members} users in murmur…`);
  return withMurmur(mumbleSettings(settings), async (s) => {
    // murmur writes each registration to its database (~30 ms): 20 in flight at a time.
    const ids: number[] = [];
    for (let i = 0; i < members; i += 20) ids.push(...(await Promise.all(Array.from({ length: Math.min(20, members - i) }, (_, k) => s.register(`[VOX]Voice_Pilot_${i + k}`, randomBytes(12).toString("hex"))))));
    const membership = new Map<string, Set<number>>([["Member", new Set()]]);
    for (let g = 0; g < GROUPS; g++) membership.set(groupName(g), new Set());
    const step = Math.round(1 / DRIFT);
    let drifted = 0;
    ids.forEach((id, i) => {
      if (i % step === 0) {
        drifted++;
        if (i % (2 * step) === 0) return;
      }
      membership.get("Member")!.add(id);
      if (i % step !== 0) membership.get(groupName(i % GROUPS))!.add(id);
    });
    await s.setRootAcl(withMembership(s.slice, await s.rootAcl(), membership));
    return { ids, drifted };
  });
}

async function figure(members: number, mode: "table" | "direct", progress: (m: string) => void): Promise<Figure> {
  const database = await ownDatabase(`mumble${mode}${members}`, progress);
  let db: Database | undefined;
  let murmur: Murmur | undefined;
  try {
    db = createDb(database.url, { poolSize: 5 });
    await migrateToLatest(db);
    await syncPermissionCatalogue(db);
    const secret = randomBytes(8).toString("hex");
    if (mode === "direct") murmur = await startMurmur({ icePort: 3407, port: 3408, secret });
    const settings = useBenchSettings({ MUMBLE_URL: "127.0.0.1:3408", MUMBLE_MODE: mode, MUMBLE_ICE_PORT: "3407", MUMBLE_ICE_SECRET: secret, MUMBLE_ICE_TIMEOUT_SECONDS: "120" });
    const seeded = mode === "direct" ? await seedMurmur(settings, members, progress) : null;
    progress(`  seeding ${members} linked Mumble accounts (${DRIFT * 100} % drifted, ${mode} mode)…`);
    const drifted = (await seed(db, members, seeded?.ids ?? null)) + (seeded?.drifted ?? 0);
    progress(`  mumble.update_all over ${members} accounts…`);
    const started = performance.now();
    const report = await reconcileService({ db, settings }, connectorById("mumble")!);
    const ms = performance.now() - started;
    if (report.changed !== drifted) throw new Error(`expected ${drifted} accounts changed, the reconcile changed ${report.changed}`);
    const remote = report.figures.remoteCalls ?? 0;
    const statements = report.figures.updateStatements ?? 0;
    return {
      name: `mumble group sync ${members.toLocaleString("en")} users, ${DRIFT * 100}% drift, ${mode} mode${mode === "direct" ? " (real murmur over Ice)" : ""}`,
      metrics: [
        { key: "remote calls", value: remote, unit: "" },
        { key: "UPDATEs", value: statements, unit: "" },
        { key: "changed", value: report.changed, unit: "" },
        { key: "wall", value: ms, unit: "ms" },
      ],
      baseline: `original: update_all_groups queues one task per user — ${members} tasks, each a SELECT + UPDATE of one row; murmur sees changes at the next login`,
      targets: [{ label: `mumble ${mode} ${members}: ≤ ${mode === "direct" ? 4 : 0} remote calls, ≤ ${Math.ceil(drifted / 1000)} UPDATEs`, met: remote <= (mode === "direct" ? 4 : 0) && statements <= Math.ceil(drifted / 1000), detail: `${remote} calls, ${statements} UPDATEs, ${report.failed} failed` }],
      details: { members, drifted, failed: report.failed },
    };
  } finally {
    await murmur?.stop().catch(() => {});
    await db?.destroy().catch(() => {});
    await database.cleanup().catch((error: Error) => progress(`  cleanup: ${error.message}`));
  }
}

export const mumbleSync: Benchmark = {
  name: "mumble",
  async run(ctx) {
    const members = Number(process.env.BENCH_MUMBLE_USERS ?? 5000);
    const figures = [await figure(members, "table", ctx.progress)];
    if (existsSync(MURMURD)) figures.push(await figure(members, "direct", ctx.progress));
    else ctx.progress("  mumble direct mode skipped: Debian's mumble-server is not installed");
    return figures;
  },
};
