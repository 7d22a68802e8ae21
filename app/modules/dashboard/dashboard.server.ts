/** What the dashboard shows: the user's account and groups; for superusers, the job queue. */
import { getRuntime } from "../runtime.server";
import type { CurrentUser } from "../auth/guards.server";
import { checkHealth } from "../ops/health.server";
import { countJobsByState, type JobCounts } from "../ops/metrics.server";
import { APP_VERSION } from "../ops/version.server";
import { accountCharacters } from "../eve/account.server";

const SYSTEM_PANEL_TTL_MS = 5_000;
let systemPanel: { until: number; value: Promise<{ version: string; jobs: JobCounts | null; workers: number }> } | null = null;

/** Queue figures for superusers, shared by all requests of this process for a few seconds. */
function systemStatus(runtime: ReturnType<typeof getRuntime>) {
  const now = Date.now();
  if (!systemPanel || systemPanel.until < now) {
    const value = Promise.all([countJobsByState(runtime).catch(() => null), checkHealth(runtime)]).then(([jobs, health]) => ({ version: APP_VERSION, jobs, workers: health.worker.workers }));
    systemPanel = { until: now + SYSTEM_PANEL_TTL_MS, value };
    value.catch(() => {
      systemPanel = null;
    });
  }
  return systemPanel.value;
}

export async function getDashboard(user: CurrentUser) {
  const runtime = getRuntime();
  const groups = await runtime.db
    .selectFrom("user_groups as ug")
    .innerJoin("auth_groups as g", "g.id", "ug.group_id")
    .select(["g.id", "g.name"])
    .where("ug.user_id", "=", user.id)
    .orderBy("g.name")
    .execute();
  const system = user.is_superuser ? await systemStatus(runtime) : null;
  const characters = await accountCharacters(runtime.db, user.id);
  return {
    characters: [...characters].sort((a, b) => Number(b.isMain) - Number(a.isMain)),
    account: { username: user.username, email: user.email, isStaff: user.is_staff, isSuperuser: user.is_superuser, permissionCount: user.permissions.size },
    groups,
    system,
  };
}
