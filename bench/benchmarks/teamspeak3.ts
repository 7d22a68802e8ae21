/**
 * TeamSpeak 3 full group sync against the fake ServerQuery server over real TCP, on its own database:
 * N linked members (each in one of 20 mapped Auth groups, plus the Member state mapped to its own
 * server group), 2 % drifted on TeamSpeak (a group taken away, or a managed group added by hand). One
 * `teamspeak3.update_all` with the server's default flood limit (10 commands per 3 s) kept by both
 * the fake and the client: ServerQuery commands sent, flood waits, wall time (s).
 */
import { performance } from "node:perf_hooks";
import { connectorById } from "../../app/connectors/registry.server";
import { closeSharedQueryClients, sharedQueryClient } from "../../app/connectors/teamspeak3/port.server";
import { syncPermissionCatalogue } from "../../app/modules/auth/permissions.server";
import { reconcileService } from "../../app/modules/services/runner.server";
import { createDb, type Database, migrateToLatest } from "../../db/index.server";
import { type FakeTs3, startFakeTs3 } from "../../tests/fakes/teamspeak3/index";
import { insertChunked, ownDatabase, useBenchSettings } from "./states";
import type { Benchmark, Figure } from "../types";

const GROUPS = 20;
const DRIFT = 0.02;
const LOGIN = { username: "serveradmin", password: "bench-query" };

async function seed(db: Database, fake: FakeTs3, members: number) {
  const now = new Date();
  const state = await db.selectFrom("states").select("id").where("name", "=", "Member").executeTakeFirstOrThrow();
  const perm = await db.selectFrom("permissions").select("id").where("app_label", "=", "teamspeak3").where("codename", "=", "access_teamspeak3").executeTakeFirstOrThrow();
  await db.insertInto("state_permissions").values({ state_id: state.id, permission_id: perm.id }).execute();
  await insertChunked(db, "auth_groups", Array.from({ length: GROUPS }, (_, g) => ({ name: `Bench Group ${g}` })));
  const groups = await db.selectFrom("auth_groups").select(["id", "name"]).orderBy("id").execute();
  const sgidOf = new Map(groups.map((g) => [g.id, fake.world.addGroup(`TS ${g.name}`).sgid]));
  const memberSgid = fake.world.addGroup("Member").sgid;
  await insertChunked(db, "ts3_server_groups", [...[...fake.world.groups.values()].filter((g) => g.type === 1).map((g) => ({ sgid: g.sgid, name: g.name }))]);
  await insertChunked(db, "ts3_auth_groups", groups.map((g) => ({ group_id: g.id })));
  const mapped = await db.selectFrom("ts3_auth_groups").select(["id", "group_id"]).execute();
  await insertChunked(db, "ts3_auth_group_server_groups", mapped.map((m) => ({ auth_ts_id: m.id, sgid: sgidOf.get(m.group_id)! })));
  await db.insertInto("ts3_state_groups").values({ state_id: state.id, sgid: memberSgid }).execute();
  await insertChunked(
    db,
    "eve_characters",
    Array.from({ length: members }, (_, i) => ({ character_id: 92_000_000 + i, character_name: `Bench Pilot ${i}`, corporation_id: 98_200_000, corporation_name: "Bench Corp", corporation_ticker: "BENCH", alliance_id: null, alliance_name: null, alliance_ticker: null, faction_id: null, faction_name: null, updated_at: now })),
  );
  const chars = await db.selectFrom("eve_characters").select(["id", "character_id"]).orderBy("character_id").execute();
  await insertChunked(db, "users", chars.map((c) => ({ username: `tbench_${c.character_id}`, email: null, password_hash: null, is_active: true, is_staff: false, is_superuser: false, language: null, theme: null, date_joined: now, last_login: null, main_character_id: c.id, state_id: state.id })));
  const users = await db.selectFrom("users").select(["id", "main_character_id"]).where("username", "like", "tbench_%").orderBy("main_character_id").execute();
  await insertChunked(db, "user_groups", users.map((u, i) => ({ user_id: u.id, group_id: groups[i % GROUPS].id })));
  const step = Math.round(1 / DRIFT);
  let drifted = 0;
  const bindings = users.map((u, i) => {
    const binding = `aa-${u.id}-bench`;
    const client = fake.world.newClient(`[BENCH]Bench_Pilot_${i}`);
    client.custom.set("sso_uid", binding);
    client.groups.add(sgidOf.get(groups[i % GROUPS].id)!);
    client.groups.add(memberSgid);
    if (i % step === 0) {
      drifted++;
      if (i % (2 * step) === 0) client.groups.delete(memberSgid);
      else client.groups.add(sgidOf.get(groups[(i + 1) % GROUPS].id)!);
    }
    return binding;
  });
  await insertChunked(db, "service_accounts", users.map((u, i) => ({ user_id: u.id, service: "teamspeak3", remote_id: bindings[i], remote_username: `[BENCH]Bench_Pilot_${i}`, credentials: null, status: "active" as const, synced: null, activated_at: now, last_sync_at: null, last_error: null, last_error_at: null, removal_due_at: null })));
  return drifted;
}

async function syncFigure(members: number, progress: (m: string) => void): Promise<Figure> {
  const database = await ownDatabase(`ts3${members}`, progress);
  let db: Database | undefined;
  let fake: FakeTs3 | undefined;
  try {
    db = createDb(database.url, { poolSize: 5 });
    await migrateToLatest(db);
    await syncPermissionCatalogue(db);
    fake = await startFakeTs3({ login: LOGIN, floodCommands: 0 });
    progress(`  seeding ${members} linked TeamSpeak members (${DRIFT * 100} % drifted)…`);
    const drifted = await seed(db, fake, members);
    // The server's documented default: 10 commands within 3 s, enforced by the fake and kept by the client.
    fake.setFlood(10, 3000);
    const settings = useBenchSettings({
      TEAMSPEAK3_SERVER_IP: fake.host,
      TEAMSPEAK3_SERVER_PORT: String(fake.port),
      TEAMSPEAK3_SERVERQUERY_USER: LOGIN.username,
      TEAMSPEAK3_SERVERQUERY_PASSWORD: LOGIN.password,
    });
    progress(`  teamspeak3.update_all over ${members} members…`);
    const started = performance.now();
    const report = await reconcileService({ db, settings }, connectorById("teamspeak3")!);
    const ms = performance.now() - started;
    const stats = sharedQueryClient(settings).stats;
    if (report.changed !== drifted) throw new Error(`expected ${drifted} members changed, the reconcile changed ${report.changed}`);
    const goal = 2 + 2 + (GROUPS + 2) + 2 * (GROUPS + 1);
    return {
      name: `teamspeak3 group sync ${members.toLocaleString("en")} users, ${DRIFT * 100}% drift (flood limit 10 per 3 s)`,
      metrics: [
        { key: "commands", value: stats.commands, unit: "" },
        { key: "writes", value: Number(report.figures.writes ?? 0), unit: "" },
        { key: "flood bans", value: stats.floodBans, unit: "" },
        { key: "wall", value: ms / 1000, unit: "", digits: 1 },
      ],
      baseline: `original: update_all_groups runs update_groups per user on fresh connections — ≈${members * 6} commands (login, use, customsearch, an extra login+use, servergroupsbyclientid), a flood ban unless allow-listed; wall in s`,
      targets: [{ label: `teamspeak3 ${members}: ≤ ${goal} commands, no flood ban, ${drifted} members fixed`, met: stats.commands <= goal && stats.floodBans === 0 && report.failed === 0, detail: `${stats.commands} commands (${JSON.stringify(stats.byCommand)}), ${stats.floodWaits} paced waits` }],
      details: { members, drifted, floodWaits: stats.floodWaits, failed: report.failed },
    };
  } finally {
    closeSharedQueryClients();
    await fake?.stop().catch(() => {});
    await db?.destroy().catch(() => {});
    await database.cleanup().catch((error: Error) => progress(`  cleanup: ${error.message}`));
  }
}

export const teamspeak3Sync: Benchmark = {
  name: "teamspeak3",
  async run(ctx) {
    const sizes = (process.env.BENCH_TS3_MEMBERS ?? "5000").split(",").map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
    const figures: Figure[] = [];
    for (const size of sizes) figures.push(await syncFigure(size, ctx.progress));
    return figures;
  },
};
