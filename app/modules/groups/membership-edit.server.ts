/**
 * The rules for editing someone's memberships directly (the admin's user form): which groups are
 * added and removed, and what only a superuser may do.
 */
import { GroupError } from "./admin.server";
import type { Executor } from "./queries.server";

export interface MembershipEditor {
  is_superuser: boolean;
  permissions: ReadonlySet<string>;
}

/** Only a superuser may make this change: `required` names the rule (for the audit row). */
export class MembershipForbidden extends Error {
  constructor(
    readonly required: string,
    readonly detail: Record<string, unknown>,
  ) {
    super(`forbidden: ${required}`);
  }
}

/**
 * Plans the change from `current` to `wanted` for `userId` (null: a user being created). Refuses
 * unknown groups and groups that do not allow the user's state (GroupError). A non-superuser may not
 * add or remove restricted groups, nor add a group carrying a permission they do not hold themselves
 * (granting it to themselves or to an account they control) (MembershipForbidden).
 */
export async function planMembershipEdit(db: Executor, editor: MembershipEditor, userId: number | null, wanted: number[], current: number[]) {
  const added = [...new Set(wanted)].filter((g) => !current.includes(g));
  const removed = current.filter((g) => !wanted.includes(g));
  const changed = [...added, ...removed];
  if (!changed.length) return { added, removed };
  const known = new Set((await db.selectFrom("auth_groups").select("id").where("id", "in", changed).execute()).map((k) => k.id));
  if (added.some((g) => !known.has(g))) throw new GroupError("admin.errors.unknownGroup", "groupIds");
  if (!editor.is_superuser) {
    const restricted = await db.selectFrom("group_settings").select("group_id").where("group_id", "in", changed).where("restricted", "=", true).execute();
    if (restricted.length) throw new MembershipForbidden("is_superuser:restricted_group", { groups: restricted.map((r) => r.group_id) });
    if (added.length) {
      const carried = await db.selectFrom("group_permissions as gp").innerJoin("permissions as p", "p.id", "gp.permission_id").select(["gp.group_id", "p.app_label", "p.codename"]).where("gp.group_id", "in", added).execute();
      const beyond = carried.filter((p) => !editor.permissions.has(`${p.app_label}.${p.codename}`));
      if (beyond.length) throw new MembershipForbidden("is_superuser:group_permissions", { groups: [...new Set(beyond.map((p) => p.group_id))], permissions: beyond.map((p) => `${p.app_label}.${p.codename}`) });
    }
  }
  if (added.length) {
    const stateId = userId === null ? null : ((await db.selectFrom("users").select("state_id").where("id", "=", userId).executeTakeFirst())?.state_id ?? null);
    const limited = await db.selectFrom("group_states").select(["group_id", "state_id"]).where("group_id", "in", added).execute();
    const bad = added.filter((g) => {
      const allowed = limited.filter((l) => l.group_id === g).map((l) => l.state_id);
      return allowed.length > 0 && (stateId === null || !allowed.includes(stateId));
    });
    if (bad.length) throw new GroupError("admin.errors.groupNotForState", "groupIds");
  }
  return { added, removed };
}
