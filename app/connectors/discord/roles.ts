/**
 * The original's role calculation (core.calculate_roles_for_user), pure: wanted role names →
 * guild roles by exact, case-sensitive name; current roles that are managed (bots, boosters,
 * integrations) or carry a reserved group name (case-insensitive) are kept; the member's role
 * list changes only when the wanted set differs from the current set minus the kept ones.
 */

export interface GuildRole {
  id: string;
  name: string;
  managed: boolean;
}

export interface RolePlan {
  /** The full role list to send in one PATCH (wanted ∪ kept). */
  roleIds: string[];
  /** Wanted names with no guild role of that name (to create, unless role creation is disabled). */
  missing: string[];
  /** False: the member already holds exactly this; send nothing. */
  changed: boolean;
}

export function roleByName(roles: readonly GuildRole[], guildId: string) {
  const byName = new Map<string, GuildRole>();
  // First role of a name wins (duplicate names are allowed on Discord); @everyone is never a target.
  for (const role of roles) if (role.id !== guildId && !byName.has(role.name)) byName.set(role.name, role);
  return byName;
}

export function planRoles(input: {
  guildId: string;
  roles: readonly GuildRole[];
  byName?: Map<string, GuildRole>;
  wantedNames: readonly string[];
  currentRoleIds: readonly string[];
  reservedNames: ReadonlySet<string>;
}): RolePlan {
  const byName = input.byName ?? roleByName(input.roles, input.guildId);
  const byId = new Map(input.roles.map((r) => [r.id, r]));
  const wanted = new Set<string>();
  const missing: string[] = [];
  for (const name of input.wantedNames) {
    const role = byName.get(name);
    if (role && !role.managed) wanted.add(role.id);
    else if (!role) missing.push(name);
  }
  const kept = new Set<string>();
  const other = new Set<string>();
  for (const id of input.currentRoleIds) {
    const role = byId.get(id);
    // Ids the guild no longer has are dropped (the caller has refetched the roles once).
    if (!role || id === input.guildId) continue;
    if (role.managed || input.reservedNames.has(role.name.toLowerCase())) kept.add(id);
    else other.add(id);
  }
  for (const id of kept) wanted.delete(id);
  const changed = other.size !== wanted.size || [...wanted].some((id) => !other.has(id));
  return { roleIds: [...wanted, ...kept], missing, changed };
}
