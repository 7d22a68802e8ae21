/** What the dashboard shows: the user's account and groups; for superusers, the job queue. */
import type { Runtime } from "../runtime.server";
import { precompiled } from "../../../db/precompiled";
import type { CurrentUser } from "../auth/sessions.server";
import { checkHealth } from "../ops/health.server";
import { countJobsByState, type JobCounts } from "../ops/metrics.server";
import { APP_VERSION } from "../ops/version.server";
import { accountCharacters } from "../eve/account.server";
import { GUEST } from "../states/evaluate.server";
import { loadWidgets } from "~/apps/registry.server";

const SYSTEM_PANEL_TTL_MS = 5_000;

export interface JobStatistics {
  hours: number;
  succeeded: number;
  retried: number;
  failed: number;
  queued: number;
}

interface SystemStatus {
  version: string;
  jobs: JobCounts | null;
  workers: number;
  statistics: JobStatistics;
}
let systemPanel: { until: number; value: Promise<SystemStatus> } | null = null;

/** Jobs finished in the last `hours` (recorded by the workers) and jobs waiting now. */
export async function jobStatistics(runtime: Runtime, hours: number, queued: number): Promise<JobStatistics> {
  const since = new Date(Date.now() - hours * 3_600_000);
  const rows = await runtime.db
    .selectFrom("job_events")
    .select(["outcome", (eb) => eb.fn.countAll<number>().as("n")])
    .where("created_at", ">=", since)
    .groupBy("outcome")
    .execute();
  const count = (outcome: string) => Number(rows.find((r) => r.outcome === outcome)?.n ?? 0);
  return { hours, succeeded: count("succeeded"), retried: count("retried"), failed: count("failed"), queued };
}

/** Queue figures for superusers, shared by all requests of this process for a few seconds. */
function systemStatus(runtime: Runtime) {
  const now = Date.now();
  if (!systemPanel || systemPanel.until < now) {
    const value = Promise.all([countJobsByState(runtime).catch(() => null), checkHealth(runtime)]).then(async ([jobs, health]) => ({
      version: APP_VERSION,
      jobs,
      workers: health.worker.workers,
      statistics: await jobStatistics(runtime, runtime.settings.ALLIANCEAUTH_DASHBOARD_TASKS_MAX_HOURS, jobs ? jobs.queued : 0),
    }));
    systemPanel = { until: now + SYSTEM_PANEL_TTL_MS, value };
    value.catch(() => {
      systemPanel = null;
    });
  }
  return systemPanel.value;
}

/** The member's groups by name, compiled once (db/precompiled.ts). */
const groupRows = precompiled((db, p: { userId: number }) =>
  db.selectFrom("user_groups as ug").innerJoin("auth_groups as g", "g.id", "ug.group_id").select(["g.id", "g.name"]).where("ug.user_id", "=", p.userId).orderBy("g.name"),
);

/** The dashboard of `user`, read with what the caller passes (issue 9: no global runtime here). Independent reads run concurrently. */
/** `known.stateName`: the state's name when the caller has read it already (null: none). */
export async function getDashboard(runtime: Runtime, user: CurrentUser, known: { stateName?: string | null } = {}) {
  const { db } = runtime;
  const [groups, characters, state, system, widgets] = await Promise.all([
    groupRows.execute(db, { userId: user.id }),
    accountCharacters(db, user.id),
    known.stateName !== undefined ? { name: known.stateName } : db.selectFrom("users as u").leftJoin("states as s", "s.id", "u.state_id").select("s.name").where("u.id", "=", user.id).executeTakeFirst(),
    user.is_superuser ? systemStatus(runtime) : null,
    loadWidgets(runtime, user),
  ]);
  return {
    // A user without a state (e.g. a superuser without a main) is a Guest, as in the original.
    state: state?.name ?? GUEST,
    characters: [...characters].sort((a, b) => Number(b.isMain) - Number(a.isMain)),
    account: { username: user.username, email: user.email, isStaff: user.is_staff, isSuperuser: user.is_superuser, permissionCount: user.permissions.size },
    groups,
    system,
    widgets,
  };
}
