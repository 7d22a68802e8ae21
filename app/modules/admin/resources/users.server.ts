/** Users in the admin: list with affiliations, edit with staff limits, activation, bulk (de)activation. */
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { DB } from "../../../../db/schema";
import { writeAudit } from "../../audit/audit.server";
import { hashPassword } from "../../auth/password.server";
import { mainCharacterChanged } from "../../eve/ownership.server";
import { addMembership, removeMembership } from "../../groups/membership.server";
import { MembershipForbidden, planMembershipEdit } from "../../groups/membership-edit.server";
import { reevaluateStates } from "../../states/evaluate.server";
import { setUserActive } from "../../states/states.server";
import { servicesNeedSync, touchesServiceAccess } from "../../services/sync.server";
import { deleteUser } from "../../services/user-deletion.server";
import { type AdminCtx, AdminForbidden, AdminInvalid, type AdminResource, type Option, type Values } from "../registry.server";
import { checkPermissionIds, countWhere, flag, fromDomainError, groupOptions, ids, membershipGroupOptions, permissionOptions, replacePermissions, stateOptions } from "./shared.server";

const userSchema = z.object({
  username: z.string().trim().min(1, "admin.errors.required").max(150, "admin.errors.tooLong").regex(/^[\w.@+' -]+$/u, "admin.errors.username"),
  email: z.string().trim().max(254, "admin.errors.tooLong").refine((v) => v === "" || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "admin.errors.email"),
  is_active: z.boolean(),
  is_staff: z.boolean(),
  is_superuser: z.boolean(),
  main_character_id: z.number().int().positive().nullable(),
  password: z.string().max(4096, "admin.errors.tooLong").optional(),
  groupIds: ids,
  permissionIds: ids,
});

async function userValues(db: Kysely<DB>, id: string): Promise<Values | null> {
  const uid = Number(id);
  const user = await db.selectFrom("users").selectAll().where("id", "=", uid).executeTakeFirst();
  if (!user) return null;
  const [groups, permissions] = await Promise.all([
    db.selectFrom("user_groups").select("group_id").where("user_id", "=", uid).execute(),
    db.selectFrom("user_permissions").select("permission_id").where("user_id", "=", uid).execute(),
  ]);
  return {
    username: user.username,
    email: user.email ?? "",
    is_active: user.is_active,
    is_staff: user.is_staff,
    is_superuser: user.is_superuser,
    main_character_id: user.main_character_id,
    groupIds: groups.map((g) => g.group_id).sort((a, b) => a - b),
    permissionIds: permissions.map((p) => p.permission_id).sort((a, b) => a - b),
  };
}

/** The membership rules (groups domain), with a superuser-only refusal as a 403 and a rule as a form error. */
async function checkUserGroups(ctx: AdminCtx, userId: number | null, wanted: number[], current: number[]) {
  try {
    return await planMembershipEdit(ctx.db, ctx.user, userId, wanted, current);
  } catch (error) {
    if (error instanceof MembershipForbidden) throw new AdminForbidden(error.required, error.detail);
    fromDomainError(error);
  }
}

/** Only superusers manage superusers: a staff user may not change, deactivate or delete one. */
async function refuseSuperuserTargets(ctx: AdminCtx, ids: string[]) {
  if (ctx.user.is_superuser) return;
  const userIds = ids.map(Number).filter((id) => Number.isSafeInteger(id));
  if (!userIds.length) return;
  const superusers = await ctx.db.selectFrom("users").select("id").where("id", "in", userIds).where("is_superuser", "=", true).execute();
  if (superusers.length) throw new AdminForbidden("is_superuser:superuser_target", { users: superusers.map((u) => u.id) });
}

export const usersResource: AdminResource = {
  key: "users",
  label: "admin.resources.users",
  appLabel: "auth",
  model: "user",
  auditType: "user",
  pk: { expr: "u.id", kind: "number" },
  defaultSort: "username",
  columns: [
    { name: "username", label: "admin.col.username", expr: "u.username", sortable: true },
    { name: "main", label: "admin.col.main", expr: "mc.character_name" },
    { name: "state", label: "admin.col.state", expr: "st.name" },
    { name: "corporation", label: "admin.col.corporation", expr: "mc.corporation_name" },
    { name: "alliance", label: "admin.col.alliance", expr: "mc.alliance_name" },
    flag("admin.col.active", "is_active", { expr: "u.is_active", sortable: true }),
    flag("admin.col.staff", "is_staff", { expr: "u.is_staff", sortable: true }),
    flag("admin.col.superuser", "is_superuser", { expr: "u.is_superuser", sortable: true }),
    { name: "date_joined", label: "admin.col.joined", expr: "u.date_joined", sortable: true, kind: "date" },
  ],
  search: ["u.username", "mc.character_name"],
  filters: [
    { name: "state", label: "admin.col.state", value: "id", options: stateOptions, apply: (q, v) => q.where("u.state_id", "=", v) },
    {
      name: "group",
      label: "admin.filter.group",
      value: "id",
      options: groupOptions,
      apply: (q, v) => q.where((eb: any) => eb.exists(eb.selectFrom("user_groups as ug").select("ug.group_id").whereRef("ug.user_id", "=", "u.id").where("ug.group_id", "=", v))),
    },
    {
      name: "corporation",
      label: "admin.col.corporation",
      value: "eveId",
      options: async (ctx) => (await ctx.db.selectFrom("eve_corporations").select(["corporation_id", "corporation_name"]).orderBy("corporation_name").limit(500).execute()).map((c) => ({ value: String(c.corporation_id), label: c.corporation_name })),
      apply: (q, v) => q.where("mc.corporation_id", "=", v),
    },
    {
      name: "alliance",
      label: "admin.col.alliance",
      value: "eveId",
      options: async (ctx) => (await ctx.db.selectFrom("eve_alliances").select(["alliance_id", "alliance_name"]).orderBy("alliance_name").limit(500).execute()).map((c) => ({ value: String(c.alliance_id), label: c.alliance_name })),
      apply: (q, v) => q.where("mc.alliance_id", "=", v),
    },
    {
      name: "faction",
      label: "admin.col.faction",
      value: "eveId",
      options: async (ctx) => (await ctx.db.selectFrom("eve_factions").select(["faction_id", "faction_name"]).orderBy("faction_name").execute()).map((c) => ({ value: String(c.faction_id), label: c.faction_name })),
      apply: (q, v) => q.where("mc.faction_id", "=", v),
    },
    ...(["is_active", "is_staff", "is_superuser"] as const).map((name) => ({
      name,
      label: `admin.col.${name === "is_active" ? "active" : name === "is_staff" ? "staff" : "superuser"}`,
      value: "flag" as const,
      options: async (): Promise<Option[]> => [
        { value: "1", label: "admin.yes" },
        { value: "0", label: "admin.no" },
      ],
      apply: (q: any, v: number | boolean) => q.where(`u.${name}`, "=", v),
    })),
  ],
  listQuery: (db) =>
    db
      .selectFrom("users as u")
      .leftJoin("eve_characters as mc", "mc.id", "u.main_character_id")
      .leftJoin("states as st", "st.id", "u.state_id")
      .select([
        "u.id as id",
        "u.username as username",
        "mc.character_name as main",
        "st.name as state",
        "mc.corporation_name as corporation",
        "mc.alliance_name as alliance",
        "u.is_active as is_active",
        "u.is_staff as is_staff",
        "u.is_superuser as is_superuser",
        "u.date_joined as date_joined",
      ]),
  fields: [
    { name: "username", label: "admin.col.username", kind: "text" },
    { name: "email", label: "admin.field.email", kind: "text" },
    { name: "password", label: "admin.field.password", kind: "password", createOnly: true },
    { name: "is_active", label: "admin.col.active", kind: "checkbox" },
    { name: "is_staff", label: "admin.col.staff", kind: "checkbox", superuserOnly: true },
    { name: "is_superuser", label: "admin.col.superuser", kind: "checkbox", superuserOnly: true },
    {
      name: "main_character_id",
      label: "admin.col.main",
      kind: "select",
      options: async (ctx, id) => {
        if (!id) return [];
        const rows = await ctx.db
          .selectFrom("eve_characters as c")
          .select(["c.id", "c.character_name"])
          .where((eb) => eb.or([eb("c.id", "in", eb.selectFrom("character_ownerships").select("character_id").where("user_id", "=", Number(id))), eb("c.id", "in", eb.selectFrom("users").select("main_character_id").where("id", "=", Number(id)).where("main_character_id", "is not", null) as any)]))
          .orderBy("c.character_name")
          .execute();
        return rows.map((c) => ({ value: String(c.id), label: c.character_name }));
      },
    },
    { name: "groupIds", label: "admin.field.groups", kind: "multiselect", options: membershipGroupOptions },
    { name: "permissionIds", label: "admin.field.permissions", kind: "multiselect", options: permissionOptions, superuserOnly: true },
  ],
  schema: userSchema,
  get: userValues,
  title: (row) => String(row.username),
  details: async (db, id) => {
    const uid = Number(id);
    const user = await db.selectFrom("users as u").leftJoin("states as s", "s.id", "u.state_id").select(["s.name as state", "u.date_joined", "u.last_login"]).where("u.id", "=", uid).executeTakeFirst();
    const chars = await db.selectFrom("character_ownerships as o").innerJoin("eve_characters as c", "c.id", "o.character_id").select(["c.character_name", "c.corporation_name"]).where("o.user_id", "=", uid).orderBy("c.character_name").limit(50).execute();
    return [
      { label: "admin.col.state", value: user?.state ?? "" },
      { label: "admin.col.joined", value: user?.date_joined ? new Date(user.date_joined).toISOString() : "" },
      { label: "admin.field.lastLogin", value: user?.last_login ? new Date(user.last_login).toISOString() : "" },
      { label: "admin.field.characters", value: chars.map((c) => `${c.character_name} (${c.corporation_name})`).join(", ") },
    ];
  },
  create: async (ctx, v) => {
    const taken = await ctx.db.selectFrom("users").select("id").where(sql`lower(username)`, "=", String(v.username).toLowerCase()).executeTakeFirst();
    if (taken) throw new AdminInvalid({ username: "admin.errors.usernameTaken" });
    const groups = await checkUserGroups(ctx, null, v.groupIds as number[], []);
    await checkPermissionIds(ctx, v.permissionIds as number[]);
    return ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("users")
        .values({ username: String(v.username), email: v.email ? String(v.email) : null, password_hash: v.password ? await hashPassword(String(v.password)) : null, is_active: Boolean(v.is_active), is_staff: Boolean(v.is_staff), is_superuser: Boolean(v.is_superuser), language: null, theme: null, date_joined: new Date(), last_login: null })
        .execute();
      const id = (await trx.selectFrom("users").select("id").where("username", "=", String(v.username)).executeTakeFirstOrThrow()).id;
      for (const g of groups.added) await addMembership(trx, id, g);
      await replacePermissions(trx, "user_permissions", "user_id", id, v.permissionIds as number[]);
      const { main_character_id: _m, password: _p, ...after } = v;
      await writeAudit(trx, ctx.actor, { action: "user.create", targetType: "user", targetId: id, after });
      await reevaluateStates(trx, { userIds: [id], actor: ctx.actor, reason: "user created in admin" });
      return id;
    });
  },
  guardTargets: refuseSuperuserTargets,
  update: async (ctx, id, v, cur) => {
    const uid = Number(id);
    await refuseSuperuserTargets(ctx, [id]);
    const groups = await checkUserGroups(ctx, uid, v.groupIds as number[], cur.groupIds as number[]);
    await checkPermissionIds(ctx, v.permissionIds as number[]);
    const main = v.main_character_id as number | null;
    const mainChanged = main !== cur.main_character_id;
    if (mainChanged && main !== null) {
      const owned = await ctx.db.selectFrom("character_ownerships").select("id").where("user_id", "=", uid).where("character_id", "=", main).executeTakeFirst();
      if (!owned) {
        if (!ctx.user.is_superuser) throw new AdminForbidden("is_superuser:main_character_not_owned", { character: main });
        const exists = await ctx.db.selectFrom("eve_characters").select("id").where("id", "=", main).executeTakeFirst();
        if (!exists) throw new AdminInvalid({ main_character_id: "admin.errors.choice" });
        const mainOf = await ctx.db.selectFrom("users").select("id").where("main_character_id", "=", main).where("id", "!=", uid).executeTakeFirst();
        if (mainOf) throw new AdminInvalid({ main_character_id: "admin.errors.mainTaken" });
      }
    }
    if (String(v.username).toLowerCase() !== String(cur.username).toLowerCase()) {
      const taken = await ctx.db.selectFrom("users").select("id").where(sql`lower(username)`, "=", String(v.username).toLowerCase()).where("id", "!=", uid).executeTakeFirst();
      if (taken) throw new AdminInvalid({ username: "admin.errors.usernameTaken" });
    }
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("users")
        .set({ username: String(v.username), email: v.email ? String(v.email) : null, is_staff: Boolean(v.is_staff), is_superuser: Boolean(v.is_superuser), main_character_id: main })
        .where("id", "=", uid)
        .execute();
      for (const g of groups.added) await addMembership(trx, uid, g);
      for (const g of groups.removed) await removeMembership(trx, uid, g);
      await replacePermissions(trx, "user_permissions", "user_id", uid, v.permissionIds as number[]);
      await writeAudit(trx, ctx.actor, { action: "user.change", targetType: "user", targetId: uid, before: cur, after: v });
      if (mainChanged) await mainCharacterChanged(trx, [uid], ctx.actor, "main character set in admin");
      else if (String(v.username) !== String(cur.username) || Boolean(v.is_superuser) !== Boolean(cur.is_superuser) || (await touchesServiceAccess(trx, cur.permissionIds as number[], v.permissionIds as number[]))) {
        await servicesNeedSync(trx, [uid], "user changed in admin");
      }
    });
    // Activation has its own rules (Guest, sessions, services) and transaction.
    if (Boolean(v.is_active) !== Boolean(cur.is_active)) await setUserActive(ctx.db, uid, Boolean(v.is_active), ctx.actor);
  },
  bulkActions: [
    { name: "activate", label: "admin.bulk.activate", permission: "change", job: true },
    { name: "deactivate", label: "admin.bulk.deactivate", permission: "change", job: true },
    { name: "sync_groups", label: "admin.bulk.syncGroups", permission: "change", job: true },
    { name: "sync_nicknames", label: "admin.bulk.syncNicknames", permission: "change", job: true },
  ],
  remove: async (ctx, id, cur) => {
    await refuseSuperuserTargets(ctx, [id]);
    // Their Discord, voice and forum accounts go first; with any, the deletion finishes in a job.
    const outcome = await deleteUser(ctx.db, Number(id), ctx.actor, cur);
    return outcome.deleted ? undefined : { pending: true as const };
  },
  related: async (db, id) => [
    { label: "admin.related.characters", count: await countWhere(db, "character_ownerships", "user_id", Number(id)) },
    { label: "admin.related.tokens", count: await countWhere(db, "esi_tokens", "user_id", Number(id)) },
    { label: "admin.related.memberships", count: await countWhere(db, "user_groups", "user_id", Number(id)) },
    { label: "admin.related.notifications", count: await countWhere(db, "notifications", "user_id", Number(id)) },
    { label: "admin.related.sessions", count: await countWhere(db, "sessions", "user_id", Number(id)) },
  ],
};
