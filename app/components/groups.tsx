/** Small pieces the group pages share (client-safe). */
import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { rowAction } from "~/components/forms";
import type { GroupListEntry } from "../modules/groups/queries.server";

/** "YYYY-MM-DD HH:MM" in UTC (EVE time), from an ISO string. */
export const utc = (iso: string) => iso.replace("T", " ").slice(0, 16);

export function ManagementTabs({ pending }: { pending?: number }) {
  const { t } = useTranslation();
  const tab = ({ isActive }: { isActive: boolean }) =>
    `rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-sky-700 text-white" : "text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800"}`;
  return (
    <nav aria-label={t("groups.management.title")} className="flex flex-wrap gap-2" data-testid="management-tabs">
      <NavLink to="/group/management" end className={tab}>
        {t("groups.management.requestsTab")}
        {pending ? <span className="ml-2 rounded-full bg-amber-500 px-2 py-0.5 text-xs font-semibold text-white">{pending}</span> : null}
      </NavLink>
      <NavLink to="/group/management/membership" className={tab}>
        {t("groups.management.membershipTab")}
      </NavLink>
    </nav>
  );
}

export function FlagBadges({ group }: { group: { open: boolean; public: boolean; hidden: boolean; managed?: boolean } }) {
  const { t } = useTranslation();
  const badge = "rounded bg-slate-100 px-2 py-0.5 text-xs font-semibold text-slate-700 dark:bg-slate-700 dark:text-slate-100";
  return (
    <span className="inline-flex flex-wrap gap-1">
      {group.open ? <span className={badge}>{t("groups.flags.open")}</span> : null}
      {group.public ? <span className={badge}>{t("groups.flags.public")}</span> : null}
      {group.hidden ? <span className={badge}>{t("groups.flags.hidden")}</span> : null}
      {group.managed ? (
        <span className={badge} data-testid="managed-badge" title={t("groups.flags.managedHint")}>
          {t("groups.flags.managed")}
        </span>
      ) : null}
    </span>
  );
}

/** A member by main character, with the account name beside it (or the account name alone). */
export function MemberName({ member }: { member: { mainCharacter: string | null; username: string } }) {
  return (
    <>
      {member.mainCharacter ?? member.username}
      {member.mainCharacter ? <span className="ml-1 text-xs text-slate-500 dark:text-slate-400">({member.username})</span> : null}
    </>
  );
}

/**
 * The member's button for one group: join/request, leave, or the pending state. It submits the form
 * around it ("join:6", "leave:6"): the /groups list has one for all its rows, a group's page its own.
 */
export function MembershipButton({ group }: { group: Pick<GroupListEntry, "id" | "name" | "open" | "member" | "pending" | "managed"> }) {
  const { t } = useTranslation();
  // Membership of a managed group follows its rules (auto groups): no button.
  if (group.managed) return null;
  if (group.pending) {
    return (
      <span className="rounded bg-amber-100 px-2 py-1 text-xs font-semibold text-amber-900 dark:bg-amber-900 dark:text-amber-100" data-testid={`pending-${group.id}`}>
        {t(group.pending === "leave" ? "groups.list.pendingLeave" : "groups.list.pendingJoin")}
      </span>
    );
  }
  const intent = group.member ? "leave" : "join";
  const label = group.member ? t("groups.list.leave") : group.open ? t("groups.list.join") : t("groups.list.request");
  return (
    <button type="submit" name="intent" value={rowAction(intent, group.id)} className={group.member ? "btn-secondary py-1 text-xs" : "btn-primary py-1 text-xs"} data-testid={`${intent}-${group.id}`} aria-label={`${label}: ${group.name}`}>
      {label}
    </button>
  );
}

