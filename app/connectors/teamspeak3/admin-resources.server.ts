/**
 * Admin resources "Auth / TS groups" (one Auth group → several TeamSpeak server groups, the
 * original's AuthTS) and "State / TS groups" (every member of a state gets that server group, the
 * original's StateGroup). Every change is audited and queues one TeamSpeak reconcile after commit.
 */
import type { Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../../../db/schema";
import { writeAudit } from "~/modules/audit/audit.server";
import { enqueue, PRIORITY } from "~/modules/jobs/enqueue.server";
import { type AdminCtx, type AdminResource, AdminInvalid, type Option } from "~/modules/admin/registry.server";
import { groupOptions, ids, stateOptions } from "~/modules/admin/resources/shared.server";
import type { PermissionDeclaration } from "~/modules/auth/permission-types";

const APP = "teamspeak3";

/** The original's admin permissions (teamspeak3.<verb>_authts, …_stategroup). */
export const ts3AdminPermissions: PermissionDeclaration[] = (["view", "add", "change", "delete"] as const).flatMap((verb) => [
  { appLabel: APP, codename: `${verb}_authts`, name: `Can ${verb} auth ts` },
  { appLabel: APP, codename: `${verb}_stategroup`, name: `Can ${verb} state group` },
]);

async function serverGroupOptions(ctx: AdminCtx): Promise<Option[]> {
  const rows = await ctx.db.selectFrom("ts3_server_groups").select(["sgid", "name"]).orderBy("name").execute();
  return rows.map((g) => ({ value: String(g.sgid), label: `${g.name} (${g.sgid})` }));
}

async function checkServerGroups(trx: Transaction<DB>, field: string, sgids: number[]) {
  const found = await trx.selectFrom("ts3_server_groups").select("sgid").where("sgid", "in", sgids).execute();
  if (found.length !== new Set(sgids).size) throw new AdminInvalid({ [field]: "teamspeak3.admin.noServerGroups" });
}

/** Group membership is re-applied by one reconcile (the original's update_all_groups after commit). */
async function queueReconcile(trx: Transaction<DB>) {
  await enqueue(trx, "teamspeak3.update_all", { reason: "TeamSpeak group mapping changed" }, { jobKey: "teamspeak3.update_all", jobKeyMode: "preserve_run_at", queueName: APP, priority: PRIORITY.bulk });
}

async function change(ctx: AdminCtx, type: string, id: string, action: string, before: unknown, after: unknown, fn: (trx: Transaction<DB>) => Promise<void>) {
  await ctx.db.transaction().execute(async (trx) => {
    await fn(trx);
    await writeAudit(trx, ctx.actor, { action, targetType: type, targetId: id, ...(before ? { before } : {}), ...(after ? { after } : {}) });
    await queueReconcile(trx);
  });
}

const authSchema = z.object({ group_id: z.number({ error: "admin.errors.required" }).int().positive(), sgids: ids.min(1, "admin.errors.required") });

async function authMapping(trx: Transaction<DB>, id: number, sgids: number[]) {
  await trx.deleteFrom("ts3_auth_group_server_groups").where("auth_ts_id", "=", id).execute();
  await trx.insertInto("ts3_auth_group_server_groups").values([...new Set(sgids)].map((sgid) => ({ auth_ts_id: id, sgid }))).execute();
}

export const ts3AuthGroupsResource: AdminResource = {
  key: "teamspeak3-auth-groups",
  label: "admin.resources.ts3AuthGroups",
  appLabel: APP,
  model: "authts",
  auditType: "ts3_auth_group",
  pk: { expr: "a.id", kind: "number" },
  defaultSort: "group_name",
  columns: [{ name: "group_name", label: "teamspeak3.admin.authGroup", expr: "g.name", sortable: true }],
  search: ["g.name"],
  listQuery: (db) => db.selectFrom("ts3_auth_groups as a").innerJoin("auth_groups as g", "g.id", "a.group_id").select(["a.id as id", "g.name as group_name"]),
  fields: [
    { name: "group_id", label: "teamspeak3.admin.authGroup", kind: "select", options: groupOptions },
    { name: "sgids", label: "teamspeak3.admin.tsGroups", kind: "multiselect", options: serverGroupOptions },
  ],
  schema: authSchema,
  get: async (db, id) => {
    const row = await db.selectFrom("ts3_auth_groups as a").innerJoin("auth_groups as g", "g.id", "a.group_id").select(["a.group_id", "g.name"]).where("a.id", "=", Number(id)).executeTakeFirst();
    if (!row) return null;
    const sgids = (await db.selectFrom("ts3_auth_group_server_groups").select("sgid").where("auth_ts_id", "=", Number(id)).orderBy("sgid").execute()).map((r) => r.sgid);
    return { group_id: row.group_id, group_name: row.name, sgids };
  },
  title: (row) => String(row.group_name ?? row.group_id),
  create: async (ctx, v) => {
    const groupId = Number(v.group_id);
    const sgids = v.sgids as number[];
    let id = 0;
    await change(ctx, "ts3_auth_group", String(groupId), "ts3.auth_group_mapped", null, { groupId, sgids }, async (trx) => {
      await checkServerGroups(trx, "sgids", sgids);
      if (await trx.selectFrom("ts3_auth_groups").select("id").where("group_id", "=", groupId).executeTakeFirst()) throw new AdminInvalid({ group_id: "teamspeak3.admin.mappingExists" });
      if (!(await trx.selectFrom("auth_groups").select("id").where("id", "=", groupId).executeTakeFirst())) throw new AdminInvalid({ group_id: "admin.errors.required" });
      await trx.insertInto("ts3_auth_groups").values({ group_id: groupId }).execute();
      id = (await trx.selectFrom("ts3_auth_groups").select("id").where("group_id", "=", groupId).executeTakeFirstOrThrow()).id;
      await authMapping(trx, id, sgids);
    });
    return id;
  },
  update: async (ctx, id, v, current) => {
    const sgids = v.sgids as number[];
    if (Number(v.group_id) !== Number(current.group_id)) throw new AdminInvalid({ group_id: "teamspeak3.admin.mappingExists" });
    await change(ctx, "ts3_auth_group", id, "ts3.auth_group_changed", { sgids: current.sgids }, { sgids }, async (trx) => {
      await checkServerGroups(trx, "sgids", sgids);
      await authMapping(trx, Number(id), sgids);
    });
  },
  remove: async (ctx, id, current) =>
    change(ctx, "ts3_auth_group", id, "ts3.auth_group_unmapped", current, null, async (trx) => {
      await trx.deleteFrom("ts3_auth_groups").where("id", "=", Number(id)).execute();
    }),
};

const stateSchema = z.object({ state_id: z.number({ error: "admin.errors.required" }).int().positive(), sgid: z.number({ error: "admin.errors.required" }).int().nonnegative() });

export const ts3StateGroupsResource: AdminResource = {
  key: "teamspeak3-state-groups",
  label: "admin.resources.ts3StateGroups",
  appLabel: APP,
  model: "stategroup",
  auditType: "ts3_state_group",
  pk: { expr: "sg.id", kind: "number" },
  defaultSort: "state_name",
  columns: [
    { name: "state_name", label: "teamspeak3.admin.state", expr: "s.name", sortable: true },
    { name: "group_name", label: "teamspeak3.admin.tsGroup", expr: "t.name", sortable: true },
  ],
  search: ["s.name", "t.name"],
  listQuery: (db) =>
    db
      .selectFrom("ts3_state_groups as sg")
      .innerJoin("states as s", "s.id", "sg.state_id")
      .innerJoin("ts3_server_groups as t", "t.sgid", "sg.sgid")
      .select(["sg.id as id", "s.name as state_name", "t.name as group_name"]),
  fields: [
    { name: "state_id", label: "teamspeak3.admin.state", kind: "select", options: stateOptions },
    { name: "sgid", label: "teamspeak3.admin.tsGroup", kind: "select", options: serverGroupOptions },
  ],
  schema: stateSchema,
  get: async (db, id) => (await db.selectFrom("ts3_state_groups").select(["state_id", "sgid"]).where("id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => `${row.state_id} → ${row.sgid}`,
  create: async (ctx, v) => {
    const values = { state_id: Number(v.state_id), sgid: Number(v.sgid) };
    let id = 0;
    await change(ctx, "ts3_state_group", String(values.state_id), "ts3.state_group_mapped", null, values, async (trx) => {
      await checkServerGroups(trx, "sgid", [values.sgid]);
      if (!(await trx.selectFrom("states").select("id").where("id", "=", values.state_id).executeTakeFirst())) throw new AdminInvalid({ state_id: "admin.errors.required" });
      if (await trx.selectFrom("ts3_state_groups").select("id").where("state_id", "=", values.state_id).where("sgid", "=", values.sgid).executeTakeFirst()) throw new AdminInvalid({ sgid: "teamspeak3.admin.mappingExists" });
      await trx.insertInto("ts3_state_groups").values(values).execute();
      id = (await trx.selectFrom("ts3_state_groups").select("id").where("state_id", "=", values.state_id).where("sgid", "=", values.sgid).executeTakeFirstOrThrow()).id;
    });
    return id;
  },
  remove: async (ctx, id, current) =>
    change(ctx, "ts3_state_group", id, "ts3.state_group_unmapped", current, null, async (trx) => {
      await trx.deleteFrom("ts3_state_groups").where("id", "=", Number(id)).execute();
    }),
};
