/**
 * What reaches the services besides membership: an admin's edit of a group's or a state's
 * permissions (or a rename, or a group's deletion) queues the syncs of exactly the linked members,
 * and the worker then revokes; the user list's bulk "sync groups" runs with progress; the last
 * reconcile's drift is on /metrics. Against the fake Discord, on both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Logger, runOnce } from "graphile-worker";
import { sql } from "kysely";
import { systemActor } from "~/modules/audit/audit.server";
import { getBulkProgress, runBulkAction, startBulkAction } from "~/modules/admin/bulk.server";
import { adminResource } from "~/modules/admin/resources/index.server";
import { getGroupDefinition, updateGroup } from "~/modules/groups/admin.server";
import { relayOutbox } from "~/modules/jobs/enqueue.server";
import { renderMetrics } from "~/modules/ops/metrics.server";
import { findAccount } from "~/modules/services/accounts.server";
import { reconcileService } from "~/modules/services/runner.server";
import { getStateDefinition, saveStateDefinition } from "~/modules/states/states.server";
import { graphileTaskList } from "../../jobs/task-list";
import { dialects } from "../support/db";
import { type DiscordWorld, linkedUser, roleNames, startDiscordWorld, stopDiscordWorld } from "../support/discord-services";
import { makeGroup, makeUser, permissionId } from "../support/factories";

const SYSTEM = systemActor("test");
const silent = new Logger(() => () => {});

describe.each(dialects)("services triggers on $dialect", ({ dialect, skip }) => {
  let w: DiscordWorld;

  beforeAll(async () => {
    if (skip) return;
    w = await startDiscordWorld(dialect, { SERVICES_SYNC_DEBOUNCE_SECONDS: "0" });
  });
  afterAll(async () => {
    await stopDiscordWorld(w);
  });

  async function queuedSyncs(): Promise<string[]> {
    const rows =
      dialect === "postgres"
        ? (await sql<{ key: string }>`select key from graphile_worker.jobs where task_identifier = 'discord.update_groups'`.execute(w.rt.db)).rows
        : await w.rt.db.selectFrom("job_outbox").select("job_key as key").where("task", "=", "discord.update_groups").execute();
    return rows.map((r) => String(r.key)).sort();
  }

  /** The worker's path: relay (MySQL), then every due job through the task list. */
  async function runWorker() {
    if (!w.rt.queueShared) while ((await relayOutbox(w.rt.db, w.rt.queuePool)) > 0);
    await runOnce({ pgPool: w.rt.queuePool, taskList: graphileTaskList(), logger: silent });
  }

  async function clearQueue() {
    await runWorker();
    await w.rt.queuePool.query("delete from graphile_worker._private_jobs");
  }

  it.skipIf(skip)("a group losing the access permission queues its linked members only, and the worker removes them", async () => {
    const access = await permissionId(w.rt.db, "discord.access_discord");
    const group = await makeGroup(w.rt.db, `Pilots ${dialect}`);
    await w.rt.db.insertInto("group_permissions").values({ group_id: group.id, permission_id: access }).execute();
    // Guests whose access comes from the group alone, one of them unlinked; a Member who keeps access by state.
    const lose = await linkedUser(w, { groups: [group.name], prefix: "tg" });
    const unlinked = await linkedUser(w, { groups: [group.name], prefix: "tg", link: false });
    const keep = await linkedUser(w, { groups: [group.name], prefix: "tg" });
    await w.rt.db.updateTable("users").set({ state_id: w.guestState }).where("id", "in", [lose.user.id, unlinked.user.id]).execute();
    await clearQueue();

    // An unrelated permission change queues nothing.
    const def = (await getGroupDefinition(w.rt.db, group.id))!;
    const other = await permissionId(w.rt.db, "groupmanagement.request_groups");
    await updateGroup(w.rt.db, group.id, { ...def, permissionIds: [access, other] }, SYSTEM);
    expect(await queuedSyncs()).toEqual([]);

    await updateGroup(w.rt.db, group.id, { ...def, permissionIds: [other] }, SYSTEM);
    expect(await queuedSyncs()).toEqual([`discord.update_groups:${keep.user.id}`, `discord.update_groups:${lose.user.id}`].sort());
    await runWorker();
    expect(w.fake.member(w.g.guildId, lose.discordId)).toBeNull();
    expect(await findAccount(w.rt.db, "discord", lose.user.id)).toBeNull();
    expect(await findAccount(w.rt.db, "discord", keep.user.id)).not.toBeNull();
    expect(roleNames(w, keep.discordId)).toEqual([group.name, "Member"].sort());
  });

  it.skipIf(skip)("a state losing the access permission revokes its holders through the worker; a rename re-syncs them", async () => {
    const a = await linkedUser(w, { prefix: "ts" });
    const original = (await getStateDefinition(w.rt.db, w.memberState))!;
    // Saving a state re-evaluates everyone: make a's Member state hold by the rules first.
    const state = { ...original, characterIds: [a.characterId] };
    await saveStateDefinition(w.rt.db, w.memberState, state, SYSTEM);
    await clearQueue();
    const access = await permissionId(w.rt.db, "discord.access_discord");
    await saveStateDefinition(w.rt.db, w.memberState, state, SYSTEM);
    expect(await queuedSyncs()).toEqual([]);
    await saveStateDefinition(w.rt.db, w.memberState, { ...state, name: `Full Member ${dialect}` }, SYSTEM);
    expect(await queuedSyncs()).toContain(`discord.update_groups:${a.user.id}`);
    await runWorker();
    expect(roleNames(w, a.discordId)).toEqual([`Full Member ${dialect}`]);

    await saveStateDefinition(w.rt.db, w.memberState, { ...state, permissionIds: state.permissionIds.filter((p) => p !== access) }, SYSTEM);
    expect(await queuedSyncs()).toContain(`discord.update_groups:${a.user.id}`);
    await runWorker();
    expect(w.fake.member(w.g.guildId, a.discordId)).toBeNull();
    expect(await findAccount(w.rt.db, "discord", a.user.id)).toBeNull();
    // Restore the state for the other tests.
    await saveStateDefinition(w.rt.db, w.memberState, original, SYSTEM);
    await clearQueue();
  });

  it.skipIf(skip)("deleting a group in the admin re-syncs its members, whose role goes", async () => {
    const group = await makeGroup(w.rt.db, `Doomed ${dialect}`);
    const a = await linkedUser(w, { groups: [group.name], prefix: "td" });
    expect(roleNames(w, a.discordId)).toEqual([group.name, "Member"].sort());
    await clearQueue();
    const boss = await makeUser(w.rt.db, { is_superuser: true, is_staff: true });
    const resource = adminResource("groups")!;
    await resource.remove!({ db: w.rt.db, actor: { userId: boss.id, label: boss.username }, user: { ...boss, permissions: new Set() } } as never, String(group.id), {});
    expect(await queuedSyncs()).toEqual([`discord.update_groups:${a.user.id}`]);
    await runWorker();
    expect(roleNames(w, a.discordId)).toEqual(["Member"]);
  });

  it.skipIf(skip)("deleting a user in the admin takes them out of the Discord guild first, then deletes them; a user without accounts goes at once", async () => {
    const a = await linkedUser(w, { prefix: "tx" });
    expect(w.fake.member(w.g.guildId, a.discordId)).not.toBeNull();
    await clearQueue();
    const boss = await makeUser(w.rt.db, { is_superuser: true, is_staff: true });
    const ctx = { db: w.rt.db, actor: { userId: boss.id, label: boss.username }, user: { ...boss, permissions: new Set() } } as never;
    const resource = adminResource("users")!;
    const outcome = await resource.remove!(ctx, String(a.user.id), (await resource.get(w.rt.db, String(a.user.id)))!);
    expect(outcome).toEqual({ pending: true });
    // Deactivated at once (no sessions, Guest); still a row until the job has removed the account.
    expect(Boolean((await w.rt.db.selectFrom("users").select("is_active").where("id", "=", a.user.id).executeTakeFirstOrThrow()).is_active)).toBe(false);
    // Discord refusing (403, e.g. the bot lost its permission) keeps the user and the account for the next try.
    w.fake.setFault({ status: 403, route: /^DELETE /, times: 1000 });
    await runWorker();
    expect(w.fake.member(w.g.guildId, a.discordId)).not.toBeNull();
    expect(await findAccount(w.rt.db, "discord", a.user.id)).not.toBeNull();
    w.fake.setFault(null);
    await w.rt.queuePool.query("update graphile_worker._private_jobs set run_at = now() - interval '1 second'");
    await runWorker();
    expect(w.fake.member(w.g.guildId, a.discordId)).toBeNull();
    expect(await w.rt.db.selectFrom("users").select("id").where("id", "=", a.user.id).executeTakeFirst()).toBeUndefined();
    const audit = await w.rt.db.selectFrom("audit_log").select("action").where("target_type", "=", "user").where("target_id", "=", String(a.user.id)).execute();
    expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(["user.deactivate", "user.delete_requested", "service.account_removed", "user.delete"]));

    const plain = await makeUser(w.rt.db, {});
    expect(await resource.remove!(ctx, String(plain.id), (await resource.get(w.rt.db, String(plain.id)))!)).toBeUndefined();
    expect(await w.rt.db.selectFrom("users").select("id").where("id", "=", plain.id).executeTakeFirst()).toBeUndefined();
  });

  it.skipIf(skip)("the user list's bulk 'sync groups' fixes drift with progress; the drift of a reconcile is on /metrics", async () => {
    const users = [await linkedUser(w, { groups: [`Bulk ${dialect}`], prefix: "tb" }), await linkedUser(w, { groups: [`Bulk ${dialect}`], prefix: "tb" })];
    for (const u of users) w.fake.world.requireGuild(w.g.guildId).members.get(u.discordId)!.roles = [];
    const boss = await makeUser(w.rt.db, { is_superuser: true, is_staff: true });
    const ctx = { db: w.rt.db, actor: { userId: boss.id, label: boss.username }, user: { ...boss, permissions: new Set() } } as never;
    const resource = adminResource("users")!;
    const action = resource.bulkActions!.find((a) => a.name === "sync_groups")!;
    const jobKey = await startBulkAction(ctx, resource, action, users.map((u) => String(u.user.id)));
    const requested = await w.rt.db.selectFrom("audit_log").select(["target_type", "target_id", "reason"]).where("action", "=", "admin.bulk.sync_groups.requested").where("reason", "=", jobKey).orderBy("target_id").execute();
    expect(requested).toEqual(users.map((u) => ({ target_type: "user", target_id: String(u.user.id), reason: jobKey })).sort((a, b) => a.target_id.localeCompare(b.target_id)));
    await runBulkAction(w.rt.db, jobKey);
    expect(await getBulkProgress(w.rt.db, jobKey)).toMatchObject({ status: "done", done: 2, failed: 0, total: 2 });
    for (const u of users) expect(roleNames(w, u.discordId)).toEqual([`Bulk ${dialect}`, "Member"].sort());

    w.fake.world.requireGuild(w.g.guildId).members.get(users[0].discordId)!.nick = "Hand Edited";
    const stray = w.fake.addRole(w.g.guildId, { name: `Stray ${dialect}`, position: 1 });
    const report = await reconcileService({ db: w.rt.db, settings: w.rt.settings }, w.discord);
    expect(report.changed).toBe(1);
    expect(report.lists.orphanRoles).toContain(stray.name);
    const text = await renderMetrics(w.rt);
    expect(text).toContain('services_reconcile_drift{service="discord",kind="changed"} 1');
    expect(text).toMatch(/services_reconcile_drift\{service="discord",kind="orphanRoles"\} [1-9]/);
    expect(text).toMatch(/services_last_reconcile_timestamp_seconds\{service="discord"\} \d+/);
  });
});
