/** TeamSpeak 3's own task, with the original's name: refresh the server group list (every 30 minutes and on demand). */
import { z } from "zod";
import type { TaskDefinition } from "../../../jobs/task-list";
import { taskContext } from "~/modules/jobs/context.server";
import { saveServerGroups } from "./groups.server";
import { ts3Port } from "./port.server";
import { ts3Configured } from "./settings";
import { watched } from "./status.server";

const payload = z.object({ reason: z.string().max(100).optional(), progressKey: z.string().max(100).optional() }).strict().or(z.null()).or(z.undefined());

export function ts3Tasks(): Record<string, TaskDefinition<any>> {
  return {
    "teamspeak3.run_ts3_group_update": {
      description: "TeamSpeak 3: read the server groups and mirror the regular ones (the Auth / TS groups choices).",
      payload,
      run: async () => {
        const ctx = taskContext();
        if (!ts3Configured(ctx.settings)) return { skipped: "not configured" };
        return watched(ctx.db, ctx.settings, async () => saveServerGroups(ctx.db, await ts3Port(ctx.settings).serverGroups()));
      },
    },
  };
}
