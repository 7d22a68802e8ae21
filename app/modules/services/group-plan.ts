/**
 * Membership-style group sync (Openfire, Discourse): which remote groups to join and leave so the
 * account holds exactly the wanted ones. Remote names are compared after the service's own
 * normalisation; groups with a reserved name are never left; removals carry the remote's real names.
 */
export interface GroupPlan {
  add: string[];
  remove: string[];
}

export function planGroups(input: { wanted: string[]; current: string[]; normalise: (name: string) => string; reserved: Set<string> }): GroupPlan {
  const wanted = new Set(input.wanted.map(input.normalise));
  const held = new Set(input.current.map(input.normalise));
  const seen = new Set<string>();
  const add = input.wanted.filter((name) => {
    const key = input.normalise(name);
    if (held.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const remove = input.current.filter((name) => !wanted.has(input.normalise(name)) && !input.reserved.has(name.toLowerCase()));
  return { add, remove };
}

export const planChanged = (plan: GroupPlan) => plan.add.length + plan.remove.length > 0;
