/** Corp stats permission keys: the original's codenames (corputils app label). */
export const VIEW_CORP = "corputils.view_corp_corpstats" as const;
export const VIEW_ALLIANCE = "corputils.view_alliance_corpstats" as const;
export const VIEW_STATE = "corputils.view_state_corpstats" as const;
export const ADD_CORPSTATS = "corputils.add_corpstats" as const;
/** The scope a token needs to read a corporation's member list. */
export const MEMBERSHIP_SCOPE = "esi-corporations.read_corporation_membership.v1";

/** The original's access test: any of the three view permissions or the add permission (superusers hold all). */
export function mayUseCorpStats(user: { is_superuser: boolean; permissions: Set<string> }) {
  return user.is_superuser || [VIEW_CORP, VIEW_ALLIANCE, VIEW_STATE, ADD_CORPSTATS].some((p) => user.permissions.has(p));
}

export const MEMBER_VIEWS = ["mains", "members", "unregistered"] as const;
export type MemberView = (typeof MEMBER_VIEWS)[number];
export const PAGE_SIZES = [25, 50, 100, 500] as const;
