/**
 * Every task the worker runs. Tasks are thin: check the payload, call the domain. Names follow the
 * original's task names where one exists (`namespace.verb`).
 */
import type { JobHelpers } from "graphile-worker";
import { z } from "zod";
import { SecretBox } from "~/modules/auth/secrets.server";
import { deleteExpiredSessions } from "~/modules/auth/sessions.server";
import { EsiClient } from "~/modules/eve/esi-client.server";
import { runModelUpdate } from "~/modules/eve/model-update.server";
import { checkAllCharacterOwnership, checkCharacterOwnership } from "~/modules/eve/ownership-check.server";
import { reencryptTokens } from "~/modules/eve/tokens.server";
import { relayOutbox } from "~/modules/jobs/enqueue.server";
import { applyRetention } from "~/modules/ops/retention.server";
import { runBulkAction } from "~/modules/admin/bulk.server";
import { IMPORT_TASK, runImportJob } from "~/modules/import/runs.server";
import { getRuntime } from "~/modules/runtime.server";
import { serviceTasks } from "~/modules/services/tasks.server";
import { DELETE_USER_TASK, removeAccountsThenDeleteUser } from "~/modules/services/user-deletion.server";
import { appTasks, enabledApps } from "~/apps/registry.server";
import { sendDailyReport } from "~/modules/analytics/analytics.server";

export interface TaskDefinition<P = unknown> {
  description: string;
  payload: z.ZodType<P>;
  run(payload: P, helpers: Pick<JobHelpers, "logger" | "job"> | null): Promise<unknown>;
}

const noPayload = z.object({}).strict().or(z.null()).or(z.undefined());

/** The core's own tasks; `allTasks()` adds the services' and the apps'. */
const coreTasks: Record<string, TaskDefinition<any>> = {
  "authentication.cleanup_expired_sessions": {
    description: "Delete expired sessions and used or expired one-time tokens.",
    payload: noPayload,
    run: async () => deleteExpiredSessions(getRuntime().db),
  },
  "core.apply_retention": {
    description: "Remove personal data past its retention: audit IP addresses, stale login-failure counters, expired SSO states, old outbox emails.",
    payload: noPayload,
    run: async () => {
      const { db, settings } = getRuntime();
      return applyRetention(db, settings);
    },
  },
  "core.relay_outbox": {
    description: "Move committed outbox rows to the job queue.",
    payload: noPayload,
    run: async () => {
      const { db, queuePool } = getRuntime();
      let moved = 0;
      for (let n = await relayOutbox(db, queuePool); n > 0; n = await relayOutbox(db, queuePool)) moved += n;
      return { moved };
    },
  },
  "core.reencrypt_secrets": {
    description: "Re-encrypt stored ESI tokens sealed under an older SECRET_KEY (from SECRET_KEY_FALLBACKS) with the current one.",
    payload: noPayload,
    run: async () => {
      const { db, settings } = getRuntime();
      return reencryptTokens(db, SecretBox.fromSettings(settings));
    },
  },
  "eveonline.run_model_update": {
    description: "Refresh corporation, alliance, faction and name of every known character from ESI in bulk.",
    payload: noPayload,
    run: async () => {
      const { db, settings } = getRuntime();
      return runModelUpdate(db, new EsiClient(db, settings), { settings });
    },
  },
  "authentication.check_all_character_ownership": {
    description: "Queue an ownership check for every character ownership hash.",
    payload: noPayload,
    run: async () => checkAllCharacterOwnership(getRuntime().db),
  },
  "authentication.check_character_ownership": {
    description: "Verify the tokens of one owner hash at the EVE SSO; drop tokens and ownerships the SSO no longer confirms.",
    payload: z.object({ ownerHash: z.string().min(1).max(254) }).strict(),
    run: async (payload: { ownerHash: string }) => {
      const { db, settings } = getRuntime();
      return checkCharacterOwnership(db, settings, payload.ownerHash);
    },
  },
  [DELETE_USER_TASK]: {
    description: "Delete a user once their accounts on every service are removed (queued by an admin's delete; retried while a service fails).",
    payload: z.object({ userId: z.number().int().positive(), actor: z.object({ userId: z.number().int().positive().nullable(), label: z.string().max(200) }).strict() }).strict(),
    run: async (payload: { userId: number; actor: { userId: number | null; label: string } }) => {
      const { db, settings } = getRuntime();
      return removeAccountsThenDeleteUser(db, settings, payload.userId, payload.actor);
    },
  },
  "admin.bulk_action": {
    description: "Run an admin bulk action (e.g. activate or deactivate many users), updating its progress row.",
    payload: z.object({ jobKey: z.string().min(1).max(100) }).strict(),
    run: async (payload: { jobKey: string }) => runBulkAction(getRuntime().db, payload.jobKey),
  },
  "analytics.analytics_daily_stats": {
    description: "Send yesterday's aggregate usage report (counts only, no personal data) to the operator's own analytics; sends nothing while ANALYTICS_PROVIDER is off.",
    payload: noPayload,
    run: async () => {
      const { db, settings } = getRuntime();
      return sendDailyReport(db, settings, enabledApps(settings).map((a) => a.id));
    },
  },
  [IMPORT_TASK]: {
    description: "Import an Alliance Auth database started from the admin page (dry run or import), writing progress to its run.",
    payload: z.object({ runId: z.number().int().positive() }).strict(),
    run: async (payload: { runId: number }) => {
      const { db, settings } = getRuntime();
      return runImportJob(db, settings, payload.runId);
    },
  },
};

let everyTask: Record<string, TaskDefinition<any>> | undefined;

/** Every task: the core's, each service connector's and each app's. Built on first use (apps' modules may import this one). */
export function allTasks(): Record<string, TaskDefinition<any>> {
  return (everyTask ??= { ...coreTasks, ...serviceTasks(), ...appTasks() });
}

export class TaskPayloadError extends Error {}

/** Runs a task by name in this process (the CLI's `task run`, and the worker). */
export async function runTask(name: string, payload: unknown, helpers: Pick<JobHelpers, "logger" | "job"> | null = null) {
  const task = allTasks()[name];
  if (!task) throw new TaskPayloadError(`unknown task "${name}" (known: ${Object.keys(allTasks()).join(", ")})`);
  const parsed = task.payload.safeParse(payload);
  if (!parsed.success) throw new TaskPayloadError(`invalid payload for ${name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ")}`);
  return task.run(parsed.data, helpers);
}

/** The graphile-worker task list built from `tasks` (without those of switched-off apps, when `skip` names them). */
export function graphileTaskList(skip: ReadonlySet<string> = new Set()) {
  return Object.fromEntries(
    Object.keys(allTasks()).filter((name) => !skip.has(name)).map((name) => [
      name,
      async (payload: unknown, helpers: JobHelpers) => {
        // graphile-worker adds `_cron` (schedule time) to cron jobs' payloads; tasks do not take it.
        const { _cron, ...rest } = (payload ?? {}) as Record<string, unknown>;
        await runTask(name, _cron ? rest : payload, helpers);
      },
    ]),
  );
}
