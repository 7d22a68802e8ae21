/** Discord's own tasks (beyond the framework's update_groups / update_all …), with the original's names. */
import { z } from "zod";
import type { TaskDefinition } from "../../../jobs/task-list";
import type { Connector } from "~/modules/services/contract";
import { taskContext } from "~/modules/jobs/context.server";
import { configured, runReconcile } from "~/modules/services/run.server";
import { lastReconcile } from "~/modules/services/runner.server";
import { discordPort } from "./port.server";
import { readAllMembers } from "./sync.server";
import { discordDisplayName } from "./port";
import { setRemoteUsername } from "~/modules/services/accounts.server";

const bulkPayload = z.object({ reason: z.string().max(100).optional(), progressKey: z.string().max(100).optional() }).strict().or(z.null()).or(z.undefined());

export function discordTasks(connector: Connector): Record<string, TaskDefinition<any>> {
  return {
    "discord.update_all_nicknames": {
      description: "Discord: reconcile the nickname of every linked member (DISCORD_SYNC_NAMES).",
      payload: bulkPayload,
      run: async (p) => runReconcile(taskContext(), connector, { groups: false, nickname: true }, p?.progressKey),
    },
    "discord.update_all_usernames": {
      description: "Discord: refresh the stored Discord username of every linked member from the guild member list.",
      payload: bulkPayload,
      run: async () => {
        const ctx = taskContext();
        if (!configured(connector, ctx)) return { skipped: "not configured" };
        const { members, pages } = await readAllMembers(discordPort(ctx.db, ctx.settings));
        const accounts = await ctx.db.selectFrom("service_accounts").select(["id", "remote_id", "remote_username"]).where("service", "=", "discord").execute();
        let updated = 0;
        for (const a of accounts) {
          const member = a.remote_id ? members.get(a.remote_id) : undefined;
          const name = member ? discordDisplayName(member.user) : null;
          if (name && name !== a.remote_username) {
            await setRemoteUsername(ctx.db, a.id, name);
            updated++;
          }
        }
        return { pages, updated };
      },
    },
    "discord.drift_report": {
      description: "Discord: reconcile now and print the drift report (changed members, unlinked role holders, gone accounts, orphan roles).",
      payload: bulkPayload,
      run: async () => {
        const ctx = taskContext();
        await runReconcile(ctx, connector, { groups: true, nickname: true });
        return lastReconcile(ctx, "discord");
      },
    },
  };
}
