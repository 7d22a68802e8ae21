/** What the dashboard shows: the user's account and groups; for superusers, the job queue. */
import { getRuntime } from "../runtime.server";
import type { CurrentUser } from "../auth/guards.server";
import { checkHealth } from "../ops/health.server";
import { countJobsByState, type JobCounts } from "../ops/metrics.server";
import { APP_VERSION } from "../ops/version.server";
import { accountCharacters } from "../eve/account.server";

export async function getDashboard(user: CurrentUser) {
  const runtime = getRuntime();
  const groups = await runtime.db
    .selectFrom("user_groups as ug")
    .innerJoin("auth_groups as g", "g.id", "ug.group_id")
    .select(["g.id", "g.name"])
    .where("ug.user_id", "=", user.id)
    .orderBy("g.name")
    .execute();
  let system: { version: string; jobs: JobCounts | null; workers: number } | null = null;
  if (user.is_superuser) {
    const [jobs, health] = await Promise.all([countJobsByState(runtime).catch(() => null), checkHealth(runtime)]);
    system = { version: APP_VERSION, jobs, workers: health.worker.workers };
  }
  const characters = await accountCharacters(runtime.db, user.id);
  return {
    characters: [...characters].sort((a, b) => Number(b.isMain) - Number(a.isMain)),
    account: { username: user.username, email: user.email, isStaff: user.is_staff, isSuperuser: user.is_superuser, permissionCount: user.permissions.size },
    groups,
    system,
  };
}
