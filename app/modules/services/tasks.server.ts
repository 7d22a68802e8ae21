/**
 * The services' jobs, built from the connector registry with the original's task names:
 * `<id>.update_groups` (one user: validate, then groups and nickname — the debounced sync job),
 * `<id>.update_nickname`, `<id>.delete_user`, `<id>.update_all_groups`, `<id>.update_all` (the
 * reconcile), plus each connector's own tasks. Every run is idempotent (desired state).
 */
import { z } from "zod";
import type { TaskDefinition } from "../../../jobs/task-list";
import type { CronEntry } from "../../../jobs/crontab";
import { connectors } from "../../connectors/registry.server";
import { findAccount } from "./accounts.server";
import type { Connector, SyncParts } from "./contract";
import { taskContext } from "../jobs/context.server";
import { configured, runReconcile } from "./run.server";
import { ALL_PARTS, removeAccount, syncServiceUser } from "./runner.server";

const userPayload = z.object({ userId: z.number().int().positive() }).strict();
const bulkPayload = z.object({ reason: z.string().max(100).optional(), progressKey: z.string().max(100).optional() }).strict().or(z.null()).or(z.undefined());

function tasksFor(connector: Connector): Record<string, TaskDefinition<any>> {
  const id = connector.meta.id;
  const title = connector.meta.title;
  const user = (parts: SyncParts) => async ({ userId }: { userId: number }) => {
    const ctx = taskContext();
    if (!configured(connector, ctx)) return { skipped: "not configured" };
    return syncServiceUser(ctx, connector, userId, parts);
  };
  const tasks: Record<string, TaskDefinition<any>> = {
    [`${id}.update_groups`]: { description: `${title}: bring one user's account to the desired state (access, groups, name).`, payload: userPayload, run: user(ALL_PARTS) },
    [`${id}.delete_user`]: {
      description: `${title}: disable one user's account and unlink it (notify: tell the user).`,
      payload: z.object({ userId: z.number().int().positive(), notify: z.boolean().optional() }).strict(),
      run: async ({ userId, notify }: { userId: number; notify?: boolean }) => {
        const ctx = taskContext();
        const account = await findAccount(ctx.db, id, userId);
        if (!account) return { skipped: "no account" };
        await removeAccount(ctx, connector, account, "user", Boolean(notify));
        return { removed: true };
      },
    },
    [`${id}.update_all_groups`]: { description: `${title}: reconcile the groups of every linked account.`, payload: bulkPayload, run: async (p) => runReconcile(taskContext(), connector, { groups: true, nickname: false }, p?.progressKey) },
    [`${id}.update_all`]: { description: `${title}: reconcile every linked account (access, groups, names) with the fewest calls.`, payload: bulkPayload, run: async (p) => runReconcile(taskContext(), connector, ALL_PARTS, p?.progressKey) },
  };
  if (connector.meta.syncsNicknames) {
    tasks[`${id}.update_nickname`] = { description: `${title}: update one user's nickname.`, payload: userPayload, run: user({ groups: false, nickname: true }) };
  }
  return { ...tasks, ...connector.tasks };
}

export function serviceTasks(): Record<string, TaskDefinition<any>> {
  return Object.assign({}, ...connectors.map(tasksFor));
}

/** A periodic reconcile per connector (skipped when unconfigured), plus the connectors' own entries. */
export function serviceCrontab(): CronEntry[] {
  return connectors.flatMap((c) => [
    { identifier: `${c.meta.id}_update_all`, task: `${c.meta.id}.update_all`, pattern: "23 * * * *", priority: 6, description: `${c.meta.title}: hourly reconcile of every linked account (desired vs actual).` },
    ...(c.crontab ?? []).map((e) => ({ ...e, priority: 6 })),
  ]);
}
