/** The resources the admin site manages at this stage. Each is registered once; pages come from the registry. */
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { DB } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { setUserActive, saveStateDefinition, deleteState, getStateDefinition, previewStateDefinition, StateRuleError, type StateDefinition } from "../states/states.server";
import { GUEST, reevaluateStates } from "../states/evaluate.server";
import { createGroup, GroupError, isReservedGroupName, reserveGroupName, ensureGroupSettings } from "../groups/admin.server";
import { addMembership, removeMembership } from "../groups/membership.server";
import { mainCharacterChanged } from "../eve/ownership.server";
import { deleteToken } from "../eve/tokens.server";
import { hashPassword } from "../auth/password.server";
import { type AdminCtx, AdminForbidden, AdminInvalid, type AdminResource, type ColumnDef, type Option, registerAdminResource, type Values } from "./registry.server";

const ids = z.array(z.number().int().positive()).max(10_000);
const flag = (label: string, name: string, extra: Partial<ColumnDef> = {}): ColumnDef => ({ name, label, expr: name, kind: "bool", ...extra });

async function permissionOptions(ctx: AdminCtx): Promise<Option[]> {
  const rows = await ctx.db.selectFrom("permissions").select(["id", "app_label", "codename"]).orderBy("app_label").orderBy("codename").execute();
  return rows.map((p) => ({ value: String(p.id), label: `${p.app_label}.${p.codename}` }));
}
async function groupOptions(ctx: AdminCtx): Promise<Option[]> {
  const rows = await ctx.db.selectFrom("auth_groups as g").leftJoin("group_settings as s", "s.group_id", "g.id").select(["g.id", "g.name", "s.restricted"]).orderBy("g.name").limit(2000).execute();
  return rows.map((g) => ({ value: String(g.id), label: g.restricted ? `${g.name} (restricted)` : g.name }));
}
async function stateOptions(ctx: AdminCtx): Promise<Option[]> {
  const rows = await ctx.db.selectFrom("states").select(["id", "name"]).orderBy("priority", "desc").execute();
  return rows.map((s) => ({ value: String(s.id), label: s.name }));
}
async function countWhere(db: Kysely<DB>, table: keyof DB, column: string, value: number | string) {
  const row = await (db.selectFrom(table as "users") as any).select((eb: any) => eb.fn.countAll().as("n")).where(column, "=", value).executeTakeFirst();
  return Number(row?.n ?? 0);
}
function fromStateError(error: unknown): never {
  if (error instanceof StateRuleError) {
    const key = error.message.split(":")[0];
    const field = key.endsWith("nameTaken") || key.endsWith("guestRename") ? "name" : key.endsWith("priorityTaken") ? "priority" : "_form";
    throw new AdminInvalid({ [field]: key });
  }
  if (error instanceof GroupError) throw new AdminInvalid({ [error.field && error.field !== "leader" && error.field !== "leaderGroup" ? error.field : "_form"]: error.key });
  throw error;
}
const num = (v: unknown) => Number(v);

// ---- Users --------------------------------------------------------------------------------------

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

/** Staff limits on groups: restricted groups cannot be added or removed; groups must allow the user's state. */
async function checkUserGroups(ctx: AdminCtx, userId: number | null, wanted: number[], current: number[]) {
  const added = wanted.filter((g) => !current.includes(g));
  const removed = current.filter((g) => !wanted.includes(g));
  const changed = [...added, ...removed];
  if (!changed.length) return { added, removed };
  const known = await ctx.db.selectFrom("auth_groups").select("id").where("id", "in", changed).execute();
  if (known.length !== new Set(changed).size && added.some((g) => !known.some((k) => k.id === g))) throw new AdminInvalid({ groupIds: "admin.errors.unknownGroup" });
  if (!ctx.user.is_superuser) {
    const restricted = await ctx.db.selectFrom("group_settings").select("group_id").where("group_id", "in", changed).where("restricted", "=", true).execute();
    if (restricted.length) throw new AdminForbidden("is_superuser:restricted_group", { groups: restricted.map((r) => r.group_id) });
  }
  if (added.length) {
    const stateId = userId === null ? null : ((await ctx.db.selectFrom("users").select("state_id").where("id", "=", userId).executeTakeFirst())?.state_id ?? null);
    const limited = await ctx.db.selectFrom("group_states").select(["group_id", "state_id"]).where("group_id", "in", added).execute();
    const bad = added.filter((g) => {
      const allowed = limited.filter((l) => l.group_id === g).map((l) => l.state_id);
      return allowed.length > 0 && (stateId === null || !allowed.includes(stateId));
    });
    if (bad.length) throw new AdminInvalid({ groupIds: "admin.errors.groupNotForState" });
  }
  return { added, removed };
}

async function checkPermissionIds(ctx: AdminCtx, wanted: number[]) {
  if (!wanted.length) return;
  const rows = await ctx.db.selectFrom("permissions").select("id").where("id", "in", wanted).execute();
  if (rows.length !== wanted.length) throw new AdminInvalid({ permissionIds: "admin.errors.unknownPermission" });
}

async function replacePermissions(trx: any, table: "user_permissions" | "group_permissions", column: "user_id" | "group_id", ownerId: number, permissionIds: number[]) {
  await trx.deleteFrom(table).where(column, "=", ownerId).execute();
  if (permissionIds.length) await trx.insertInto(table).values(permissionIds.map((permission_id) => ({ [column]: ownerId, permission_id }))).execute();
}

registerAdminResource({
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
    { name: "state", label: "admin.col.state", options: stateOptions, apply: (q, v) => q.where("u.state_id", "=", num(v)) },
    {
      name: "group",
      label: "admin.filter.group",
      options: groupOptions,
      apply: (q, v) => q.where((eb: any) => eb.exists(eb.selectFrom("user_groups as ug").select("ug.group_id").whereRef("ug.user_id", "=", "u.id").where("ug.group_id", "=", num(v)))),
    },
    {
      name: "corporation",
      label: "admin.col.corporation",
      options: async (ctx) => (await ctx.db.selectFrom("eve_corporations").select(["corporation_id", "corporation_name"]).orderBy("corporation_name").limit(500).execute()).map((c) => ({ value: String(c.corporation_id), label: c.corporation_name })),
      apply: (q, v) => q.where("mc.corporation_id", "=", num(v)),
    },
    {
      name: "alliance",
      label: "admin.col.alliance",
      options: async (ctx) => (await ctx.db.selectFrom("eve_alliances").select(["alliance_id", "alliance_name"]).orderBy("alliance_name").limit(500).execute()).map((c) => ({ value: String(c.alliance_id), label: c.alliance_name })),
      apply: (q, v) => q.where("mc.alliance_id", "=", num(v)),
    },
    {
      name: "faction",
      label: "admin.col.faction",
      options: async (ctx) => (await ctx.db.selectFrom("eve_factions").select(["faction_id", "faction_name"]).orderBy("faction_name").execute()).map((c) => ({ value: String(c.faction_id), label: c.faction_name })),
      apply: (q, v) => q.where("mc.faction_id", "=", num(v)),
    },
    ...(["is_active", "is_staff", "is_superuser"] as const).map((name) => ({
      name,
      label: `admin.col.${name === "is_active" ? "active" : name === "is_staff" ? "staff" : "superuser"}`,
      options: async (): Promise<Option[]> => [
        { value: "1", label: "admin.yes" },
        { value: "0", label: "admin.no" },
      ],
      apply: (q: any, v: string) => q.where(`u.${name}`, "=", v === "1"),
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
    { name: "groupIds", label: "admin.field.groups", kind: "multiselect", options: groupOptions },
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
  update: async (ctx, id, v, cur) => {
    const uid = Number(id);
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
    });
    // Activation has its own rules (Guest, sessions, services) and transaction.
    if (Boolean(v.is_active) !== Boolean(cur.is_active)) await setUserActive(ctx.db, uid, Boolean(v.is_active), ctx.actor);
  },
  bulkActions: [
    { name: "activate", label: "admin.bulk.activate", permission: "change", job: true },
    { name: "deactivate", label: "admin.bulk.deactivate", permission: "change", job: true },
  ],
  remove: async (ctx, id, cur) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "user.delete", targetType: "user", targetId: id, before: cur });
      await trx.deleteFrom("users").where("id", "=", Number(id)).execute();
    });
  },
  related: async (db, id) => [
    { label: "admin.related.characters", count: await countWhere(db, "character_ownerships", "user_id", Number(id)) },
    { label: "admin.related.tokens", count: await countWhere(db, "esi_tokens", "user_id", Number(id)) },
    { label: "admin.related.memberships", count: await countWhere(db, "user_groups", "user_id", Number(id)) },
    { label: "admin.related.notifications", count: await countWhere(db, "notifications", "user_id", Number(id)) },
    { label: "admin.related.sessions", count: await countWhere(db, "sessions", "user_id", Number(id)) },
  ],
});

// ---- States -------------------------------------------------------------------------------------

const stateSchema = z.object({
  name: z.string().trim().min(1, "admin.errors.required").max(32, "admin.errors.tooLong"),
  priority: z.number({ error: "admin.errors.number" }).int("admin.errors.number").min(-1_000_000, "admin.errors.number").max(1_000_000, "admin.errors.number"),
  public: z.boolean(),
  permissionIds: ids,
  characterIds: ids,
  corporationIds: ids,
  allianceIds: ids,
  factionIds: ids,
});

function toDefinition(v: Values, cur: Values | null): StateDefinition {
  const def: StateDefinition = {
    name: String(v.name),
    priority: Number(v.priority),
    public: Boolean(v.public),
    permissionIds: v.permissionIds as number[],
    characterIds: v.characterIds as number[],
    corporationIds: v.corporationIds as number[],
    allianceIds: v.allianceIds as number[],
    factionIds: v.factionIds as number[],
  };
  if (cur?.name === GUEST) {
    // Only priority and permissions of Guest can change (as in the original).
    Object.assign(def, { name: GUEST, public: cur.public, characterIds: cur.characterIds, corporationIds: cur.corporationIds, allianceIds: cur.allianceIds, factionIds: cur.factionIds });
  }
  return def;
}

registerAdminResource({
  key: "states",
  label: "admin.resources.states",
  appLabel: "authentication",
  model: "state",
  auditType: "state",
  pk: { expr: "id", kind: "number" },
  defaultSort: "priority",
  columns: [
    { name: "name", label: "admin.col.name", expr: "name", sortable: true },
    { name: "priority", label: "admin.col.priority", expr: "priority", sortable: true, kind: "number" },
    flag("admin.col.public", "public"),
  ],
  search: ["name"],
  listQuery: (db) => db.selectFrom("states").select(["id", "name", "priority", "public"]),
  fields: [
    { name: "name", label: "admin.col.name", kind: "text" },
    { name: "priority", label: "admin.col.priority", kind: "number" },
    { name: "public", label: "admin.col.public", kind: "checkbox" },
    { name: "permissionIds", label: "admin.field.permissions", kind: "multiselect", options: permissionOptions, superuserOnly: true },
    {
      name: "corporationIds",
      label: "admin.field.corporations",
      kind: "multiselect",
      options: async (ctx) => (await ctx.db.selectFrom("eve_corporations").select(["corporation_id", "corporation_name"]).orderBy("corporation_name").limit(2000).execute()).map((c) => ({ value: String(c.corporation_id), label: c.corporation_name })),
    },
    {
      name: "allianceIds",
      label: "admin.field.alliances",
      kind: "multiselect",
      options: async (ctx) => (await ctx.db.selectFrom("eve_alliances").select(["alliance_id", "alliance_name"]).orderBy("alliance_name").limit(2000).execute()).map((c) => ({ value: String(c.alliance_id), label: c.alliance_name })),
    },
    {
      name: "factionIds",
      label: "admin.field.factions",
      kind: "multiselect",
      options: async (ctx) => (await ctx.db.selectFrom("eve_factions").select(["faction_id", "faction_name"]).orderBy("faction_name").execute()).map((c) => ({ value: String(c.faction_id), label: c.faction_name })),
    },
    { name: "characterIds", label: "admin.field.characterIds", kind: "idlist" },
  ],
  schema: stateSchema,
  get: async (db, id) => {
    const def = await getStateDefinition(db, Number(id));
    if (!def) return null;
    const { id: _id, ...values } = def;
    return values;
  },
  title: (row) => String(row.name),
  create: async (ctx, v) => {
    try {
      return (await saveStateDefinition(ctx.db, null, toDefinition(v, null), ctx.actor)).id;
    } catch (error) {
      fromStateError(error);
    }
  },
  update: async (ctx, id, v, cur) => {
    try {
      await saveStateDefinition(ctx.db, Number(id), toDefinition(v, cur), ctx.actor);
    } catch (error) {
      fromStateError(error);
    }
  },
  preview: async (ctx, id, v) => {
    try {
      const cur = id ? await getStateDefinition(ctx.db, Number(id)) : null;
      const p = await previewStateDefinition(ctx.db, id ? Number(id) : null, toDefinition(v, cur as Values | null));
      return { summary: "admin.preview.summary", params: { gaining: p.gaining, losing: p.losing, names: [...p.sampleGaining, ...p.sampleLosing].join(", ") } };
    } catch (error) {
      fromStateError(error);
    }
  },
  remove: async (ctx, id) => {
    try {
      await deleteState(ctx.db, Number(id), ctx.actor);
    } catch (error) {
      fromStateError(error);
    }
  },
  undeletable: (cur) => (cur.name === GUEST ? "admin.errors.guestUndeletable" : null),
  related: async (db, id) => [
    { label: "admin.related.stateHolders", count: await countWhere(db, "users", "state_id", Number(id)) },
    { label: "admin.related.groupStates", count: await countWhere(db, "group_states", "state_id", Number(id)) },
  ],
});

// ---- Groups -------------------------------------------------------------------------------------

const groupSchema = z.object({
  name: z.string().trim().min(1, "admin.errors.required").max(150, "admin.errors.tooLong"),
  description: z.string().trim().max(512, "admin.errors.tooLong"),
  internal: z.boolean(),
  hidden: z.boolean(),
  open: z.boolean(),
  public: z.boolean(),
  restricted: z.boolean(),
  leaderUserIds: ids,
  leaderGroupIds: ids,
  stateIds: ids,
  permissionIds: ids,
});

async function groupValues(db: Kysely<DB>, id: string): Promise<Values | null> {
  const gid = Number(id);
  const group = await db.selectFrom("auth_groups as g").leftJoin("group_settings as s", "s.group_id", "g.id").select(["g.id", "g.name", "s.description", "s.internal", "s.hidden", "s.open", "s.public", "s.restricted"]).where("g.id", "=", gid).executeTakeFirst();
  if (!group) return null;
  const [leaders, leaderGroups, states, permissions] = await Promise.all([
    db.selectFrom("group_leaders").select("user_id").where("group_id", "=", gid).execute(),
    db.selectFrom("group_leader_groups").select("leader_group_id").where("group_id", "=", gid).execute(),
    db.selectFrom("group_states").select("state_id").where("group_id", "=", gid).execute(),
    db.selectFrom("group_permissions").select("permission_id").where("group_id", "=", gid).execute(),
  ]);
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  return {
    name: group.name,
    description: group.description ?? "",
    internal: group.internal ?? true,
    hidden: group.hidden ?? true,
    open: group.open ?? false,
    public: group.public ?? false,
    restricted: group.restricted ?? false,
    leaderUserIds: sorted(leaders.map((l) => l.user_id)),
    leaderGroupIds: sorted(leaderGroups.map((l) => l.leader_group_id)),
    stateIds: sorted(states.map((s) => s.state_id)),
    permissionIds: sorted(permissions.map((p) => p.permission_id)),
  };
}

registerAdminResource({
  key: "groups",
  label: "admin.resources.groups",
  appLabel: "auth",
  model: "group",
  auditType: "group",
  pk: { expr: "g.id", kind: "number" },
  defaultSort: "name",
  columns: [
    { name: "name", label: "admin.col.name", expr: "g.name", sortable: true },
    flag("admin.field.internal", "internal"),
    flag("admin.field.hidden", "hidden"),
    flag("admin.field.open", "open"),
    flag("admin.col.public", "public"),
    flag("admin.field.restricted", "restricted"),
  ],
  search: ["g.name"],
  listQuery: (db) => db.selectFrom("auth_groups as g").leftJoin("group_settings as s", "s.group_id", "g.id").select(["g.id as id", "g.name as name", "s.internal as internal", "s.hidden as hidden", "s.open as open", "s.public as public", "s.restricted as restricted"]),
  fields: [
    { name: "name", label: "admin.col.name", kind: "text" },
    { name: "description", label: "admin.field.description", kind: "textarea" },
    { name: "internal", label: "admin.field.internal", kind: "checkbox" },
    { name: "hidden", label: "admin.field.hidden", kind: "checkbox" },
    { name: "open", label: "admin.field.open", kind: "checkbox" },
    { name: "public", label: "admin.col.public", kind: "checkbox" },
    { name: "restricted", label: "admin.field.restricted", kind: "checkbox", superuserOnly: true },
    { name: "leaderUserIds", label: "admin.field.leaderUserIds", kind: "idlist" },
    { name: "leaderGroupIds", label: "admin.field.leaderGroups", kind: "multiselect", options: groupOptions },
    { name: "stateIds", label: "admin.field.states", kind: "multiselect", options: stateOptions },
    { name: "permissionIds", label: "admin.field.permissions", kind: "multiselect", options: permissionOptions, superuserOnly: true },
  ],
  schema: groupSchema,
  get: groupValues,
  title: (row) => String(row.name),
  create: async (ctx, v) => {
    await checkPermissionIds(ctx, v.permissionIds as number[]);
    try {
      return await ctx.db.transaction().execute(async (trx) => {
        const group = await createGroup(
          trx,
          {
            name: String(v.name),
            description: String(v.description ?? ""),
            internal: Boolean(v.internal),
            hidden: Boolean(v.hidden),
            open: Boolean(v.open),
            public: Boolean(v.public),
            restricted: Boolean(v.restricted),
            leaderUserIds: v.leaderUserIds as number[],
            leaderGroupIds: v.leaderGroupIds as number[],
            stateIds: v.stateIds as number[],
          },
          ctx.actor,
        );
        const permissionIds = v.permissionIds as number[];
        if (permissionIds.length) {
          await replacePermissions(trx, "group_permissions", "group_id", group.id, permissionIds);
          await writeAudit(trx, ctx.actor, { action: "group.permissions_set", targetType: "group", targetId: group.id, after: { permissionIds } });
        }
        return group.id;
      });
    } catch (error) {
      fromStateError(error);
    }
  },
  update: async (ctx, id, v, cur) => {
    const gid = Number(id);
    const name = String(v.name);
    if (name.toLowerCase() !== String(cur.name).toLowerCase()) {
      if (await isReservedGroupName(ctx.db, name)) throw new AdminInvalid({ name: "groups.errors.reservedName" });
      const taken = await ctx.db.selectFrom("auth_groups").select("id").where(sql`lower(name)`, "=", name.toLowerCase()).where("id", "!=", gid).executeTakeFirst();
      if (taken) throw new AdminInvalid({ name: "groups.errors.nameTaken" });
    }
    const count = async (table: "users" | "auth_groups" | "states", list: number[]) => (list.length ? (await ctx.db.selectFrom(table).select("id").where("id", "in", list).execute()).length : 0);
    const leaders = v.leaderUserIds as number[];
    const leaderGroups = v.leaderGroupIds as number[];
    const states = v.stateIds as number[];
    if ((await count("users", leaders)) !== leaders.length) throw new AdminInvalid({ leaderUserIds: "admin.errors.unknownUser" });
    if ((await count("auth_groups", leaderGroups)) !== leaderGroups.length) throw new AdminInvalid({ leaderGroupIds: "admin.errors.unknownGroup" });
    if ((await count("states", states)) !== states.length) throw new AdminInvalid({ stateIds: "admin.errors.choice" });
    await checkPermissionIds(ctx, v.permissionIds as number[]);
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable("auth_groups").set({ name }).where("id", "=", gid).execute();
      await ensureGroupSettings(trx, [gid]);
      await trx
        .updateTable("group_settings")
        .set({ description: String(v.description ?? ""), internal: Boolean(v.internal), hidden: Boolean(v.hidden), open: Boolean(v.open), public: Boolean(v.public), restricted: Boolean(v.restricted) })
        .where("group_id", "=", gid)
        .execute();
      await trx.deleteFrom("group_leaders").where("group_id", "=", gid).execute();
      if (leaders.length) await trx.insertInto("group_leaders").values(leaders.map((user_id) => ({ group_id: gid, user_id }))).execute();
      await trx.deleteFrom("group_leader_groups").where("group_id", "=", gid).execute();
      if (leaderGroups.length) await trx.insertInto("group_leader_groups").values(leaderGroups.map((leader_group_id) => ({ group_id: gid, leader_group_id }))).execute();
      await trx.deleteFrom("group_states").where("group_id", "=", gid).execute();
      if (states.length) await trx.insertInto("group_states").values(states.map((state_id) => ({ group_id: gid, state_id }))).execute();
      await replacePermissions(trx, "group_permissions", "group_id", gid, v.permissionIds as number[]);
      await writeAudit(trx, ctx.actor, { action: "group.change", targetType: "group", targetId: gid, before: cur, after: v });
    });
  },
  remove: async (ctx, id, cur) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "group.delete", targetType: "group", targetId: id, before: cur });
      await trx.deleteFrom("auth_groups").where("id", "=", Number(id)).execute();
    });
  },
  related: async (db, id) => [
    { label: "admin.related.memberships", count: await countWhere(db, "user_groups", "group_id", Number(id)) },
    { label: "admin.related.requests", count: await countWhere(db, "group_requests", "group_id", Number(id)) },
    { label: "admin.related.requestLogs", count: await countWhere(db, "group_request_logs", "group_id", Number(id)) },
  ],
});

// ---- Reserved group names -----------------------------------------------------------------------

registerAdminResource({
  key: "reserved-group-names",
  label: "admin.resources.reservedGroupNames",
  appLabel: "groupmanagement",
  model: "reservedgroupname",
  auditType: "reserved_group_name",
  pk: { expr: "id", kind: "number" },
  defaultSort: "name",
  columns: [
    { name: "name", label: "admin.col.name", expr: "name", sortable: true },
    { name: "reason", label: "admin.field.reason", expr: "reason" },
    { name: "created_by", label: "admin.field.createdBy", expr: "created_by" },
    { name: "created_at", label: "admin.col.created", expr: "created_at", sortable: true, kind: "date" },
  ],
  search: ["name", "reason"],
  listQuery: (db) => db.selectFrom("reserved_group_names").select(["id", "name", "reason", "created_by", "created_at"]),
  fields: [
    { name: "name", label: "admin.col.name", kind: "text", createOnly: true },
    { name: "reason", label: "admin.field.reason", kind: "text", createOnly: true },
  ],
  schema: z.object({ name: z.string().trim().min(1, "admin.errors.required").max(150, "admin.errors.tooLong"), reason: z.string().trim().min(1, "admin.errors.required").max(255, "admin.errors.tooLong") }),
  get: async (db, id) => (await db.selectFrom("reserved_group_names").select(["name", "reason", "created_by", "created_at"]).where("id", "=", Number(id)).executeTakeFirst()) ?? null,
  title: (row) => String(row.name),
  auditIds: (id, cur) => [id, String(cur.name)],
  create: async (ctx, v) => {
    try {
      const name = await reserveGroupName(ctx.db, { name: String(v.name), reason: String(v.reason) }, ctx.actor);
      return (await ctx.db.selectFrom("reserved_group_names").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
    } catch (error) {
      fromStateError(error);
    }
  },
  remove: async (ctx, id, cur) => {
    await ctx.db.transaction().execute(async (trx) => {
      await writeAudit(trx, ctx.actor, { action: "group.name_unreserved", targetType: "reserved_group_name", targetId: id, before: cur });
      await trx.deleteFrom("reserved_group_names").where("id", "=", Number(id)).execute();
    });
  },
});

// ---- View/delete resources ----------------------------------------------------------------------

function viewDelete(spec: Omit<AdminResource, "get" | "remove"> & { table: keyof DB; deleteWith?: (trx: any, id: string, ctx: AdminCtx) => Promise<void>; noDelete?: boolean }) {
  const { table, deleteWith, noDelete, ...resource } = spec;
  registerAdminResource({
    ...resource,
    get: async (db, id) => (await resource.listQuery(db).where(resource.pk.expr, "=", resource.pk.kind === "number" ? Number(id) : id).executeTakeFirst()) ?? null,
    remove: noDelete
      ? undefined
      : async (ctx, id, cur) => {
          await ctx.db.transaction().execute(async (trx) => {
            await writeAudit(trx, ctx.actor, { action: `${resource.auditType}.delete`, targetType: resource.auditType, targetId: id, before: cur });
            if (deleteWith) await deleteWith(trx, id, ctx);
            else await (trx.deleteFrom(table as "users") as any).where(resource.pk.expr.replace(/^\w+\./, ""), "=", resource.pk.kind === "number" ? Number(id) : id).execute();
          });
        },
  });
}

viewDelete({
  key: "characters",
  label: "admin.resources.characters",
  appLabel: "eveonline",
  model: "evecharacter",
  auditType: "character",
  table: "eve_characters",
  pk: { expr: "id", kind: "number" },
  defaultSort: "character_name",
  columns: [
    { name: "character_name", label: "admin.col.name", expr: "character_name", sortable: true },
    { name: "character_id", label: "admin.col.eveId", expr: "character_id", sortable: true, kind: "number" },
    { name: "corporation_name", label: "admin.col.corporation", expr: "corporation_name" },
    { name: "alliance_name", label: "admin.col.alliance", expr: "alliance_name" },
    { name: "faction_name", label: "admin.col.faction", expr: "faction_name" },
  ],
  search: ["character_name", "corporation_name"],
  listQuery: (db) => db.selectFrom("eve_characters").select(["id", "character_name", "character_id", "corporation_name", "alliance_name", "faction_name"]),
  title: (row) => String(row.character_name),
  related: async (db, id) => [
    { label: "admin.related.ownerships", count: await countWhere(db, "character_ownerships", "character_id", Number(id)) },
    { label: "admin.related.ownershipRecords", count: await countWhere(db, "ownership_records", "character_id", Number(id)) },
    { label: "admin.related.mains", count: await countWhere(db, "users", "main_character_id", Number(id)) },
  ],
});

viewDelete({
  key: "corporations",
  label: "admin.resources.corporations",
  appLabel: "eveonline",
  model: "evecorporationinfo",
  auditType: "corporation",
  table: "eve_corporations",
  pk: { expr: "corporation_id", kind: "number" },
  defaultSort: "corporation_name",
  columns: [
    { name: "corporation_name", label: "admin.col.name", expr: "corporation_name", sortable: true },
    { name: "corporation_ticker", label: "admin.col.ticker", expr: "corporation_ticker", sortable: true },
    { name: "member_count", label: "admin.col.members", expr: "member_count", sortable: true, kind: "number" },
    { name: "alliance_id", label: "admin.col.alliance", expr: "alliance_id" },
  ],
  search: ["corporation_name", "corporation_ticker"],
  listQuery: (db) => db.selectFrom("eve_corporations").select(["corporation_id as id", "corporation_name", "corporation_ticker", "member_count", "alliance_id"]),
  title: (row) => String(row.corporation_name),
});

viewDelete({
  key: "alliances",
  label: "admin.resources.alliances",
  appLabel: "eveonline",
  model: "eveallianceinfo",
  auditType: "alliance",
  table: "eve_alliances",
  pk: { expr: "alliance_id", kind: "number" },
  defaultSort: "alliance_name",
  columns: [
    { name: "alliance_name", label: "admin.col.name", expr: "alliance_name", sortable: true },
    { name: "alliance_ticker", label: "admin.col.ticker", expr: "alliance_ticker", sortable: true },
    { name: "executor_corp_id", label: "admin.col.executor", expr: "executor_corp_id" },
  ],
  search: ["alliance_name", "alliance_ticker"],
  listQuery: (db) => db.selectFrom("eve_alliances").select(["alliance_id as id", "alliance_name", "alliance_ticker", "executor_corp_id"]),
  title: (row) => String(row.alliance_name),
  related: async (db, id) => [{ label: "admin.related.corporations", count: await countWhere(db, "eve_corporations", "alliance_id", Number(id)) }],
});

viewDelete({
  key: "factions",
  label: "admin.resources.factions",
  appLabel: "eveonline",
  model: "evefactioninfo",
  auditType: "faction",
  table: "eve_factions",
  pk: { expr: "faction_id", kind: "number" },
  defaultSort: "faction_name",
  columns: [{ name: "faction_name", label: "admin.col.name", expr: "faction_name", sortable: true }],
  search: ["faction_name"],
  listQuery: (db) => db.selectFrom("eve_factions").select(["faction_id as id", "faction_name"]),
  title: (row) => String(row.faction_name),
});

viewDelete({
  key: "ownership-records",
  label: "admin.resources.ownershipRecords",
  appLabel: "authentication",
  model: "ownershiprecord",
  auditType: "ownership_record",
  table: "ownership_records",
  pk: { expr: "r.id", kind: "number" },
  columns: [
    { name: "character_name", label: "admin.col.character", expr: "c.character_name" },
    { name: "username", label: "admin.col.username", expr: "u.username" },
    { name: "owner_hash", label: "admin.col.ownerHash", expr: "r.owner_hash" },
    { name: "created_at", label: "admin.col.created", expr: "r.created_at", sortable: true, kind: "date" },
  ],
  search: ["c.character_name", "u.username"],
  listQuery: (db) =>
    db
      .selectFrom("ownership_records as r")
      .innerJoin("eve_characters as c", "c.id", "r.character_id")
      .innerJoin("users as u", "u.id", "r.user_id")
      .select(["r.id as id", "c.character_name as character_name", "u.username as username", "r.owner_hash as owner_hash", "r.created_at as created_at"]),
  title: (row) => `${row.character_name} → ${row.username}`,
});

viewDelete({
  key: "tokens",
  label: "admin.resources.tokens",
  appLabel: "esi",
  model: "token",
  auditType: "token",
  table: "esi_tokens",
  pk: { expr: "t.id", kind: "number" },
  columns: [
    { name: "character_name", label: "admin.col.character", expr: "t.character_name", sortable: true },
    { name: "username", label: "admin.col.username", expr: "u.username" },
    { name: "token_type", label: "admin.col.type", expr: "t.token_type" },
    { name: "scopes", label: "admin.col.scopes", expr: "t.scopes" },
    { name: "created_at", label: "admin.col.created", expr: "t.created_at", sortable: true, kind: "date" },
  ],
  search: ["t.character_name", "u.username"],
  // Never the access or refresh token.
  listQuery: (db) =>
    db
      .selectFrom("esi_tokens as t")
      .leftJoin("users as u", "u.id", "t.user_id")
      .select(["t.id as id", "t.character_name as character_name", "u.username as username", "t.token_type as token_type", "t.scopes as scopes", "t.created_at as created_at"]),
  title: (row) => `${row.character_name} (${row.token_type})`,
  deleteWith: async (trx, id, ctx) => {
    await deleteToken(trx, Number(id), ctx.actor, "deleted in admin");
  },
});

viewDelete({
  key: "notifications",
  label: "admin.resources.notifications",
  appLabel: "notifications",
  model: "notification",
  auditType: "notification",
  table: "notifications",
  pk: { expr: "n.id", kind: "number" },
  columns: [
    { name: "username", label: "admin.col.username", expr: "u.username" },
    { name: "level", label: "admin.col.level", expr: "n.level" },
    { name: "title", label: "admin.col.title", expr: "n.title" },
    flag("admin.col.viewed", "viewed", { expr: "n.viewed" }),
    { name: "created_at", label: "admin.col.created", expr: "n.created_at", sortable: true, kind: "date" },
  ],
  search: ["n.title", "u.username"],
  listQuery: (db) => db.selectFrom("notifications as n").innerJoin("users as u", "u.id", "n.user_id").select(["n.id as id", "u.username as username", "n.level as level", "n.title as title", "n.viewed as viewed", "n.created_at as created_at"]),
  title: (row) => String(row.title),
});

viewDelete({
  key: "group-request-logs",
  label: "admin.resources.groupRequestLogs",
  appLabel: "groupmanagement",
  model: "requestlog",
  auditType: "group_request_log",
  table: "group_request_logs",
  pk: { expr: "l.id", kind: "number" },
  columns: [
    { name: "group_name", label: "admin.col.group", expr: "g.name" },
    { name: "request_type", label: "admin.col.type", expr: "l.request_type" },
    { name: "request_info", label: "admin.col.info", expr: "l.request_info" },
    flag("admin.col.approved", "action", { expr: "l.action" }),
    { name: "created_at", label: "admin.col.created", expr: "l.created_at", sortable: true, kind: "date" },
  ],
  search: ["g.name", "l.request_info"],
  listQuery: (db) =>
    db
      .selectFrom("group_request_logs as l")
      .innerJoin("auth_groups as g", "g.id", "l.group_id")
      .select(["l.id as id", "g.name as group_name", "l.request_type as request_type", "l.request_info as request_info", "l.action as action", "l.created_at as created_at"]),
  title: (row) => `${row.group_name}: ${row.request_info}`,
});

viewDelete({
  key: "permissions",
  label: "admin.resources.permissions",
  appLabel: "auth",
  model: "permission",
  staffVisible: true,
  noDelete: true,
  auditType: "permission",
  table: "permissions",
  pk: { expr: "id", kind: "number" },
  defaultSort: "codename",
  columns: [
    { name: "app_label", label: "admin.col.app", expr: "app_label", sortable: true },
    { name: "codename", label: "admin.col.codename", expr: "codename", sortable: true },
    { name: "name", label: "admin.col.name", expr: "name" },
  ],
  search: ["app_label", "codename", "name"],
  listQuery: (db) => db.selectFrom("permissions").select(["id", "app_label", "codename", "name"]),
  title: (row) => `${row.app_label}.${row.codename}`,
});
import { registerServiceAdminResources } from "../services/admin-resource.server";

registerServiceAdminResources();
