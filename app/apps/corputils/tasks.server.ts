/** The corp stats jobs: one update, and the scheduled pass that queues one update per corporation. */
import { z } from "zod";
import { enqueue, PRIORITY } from "~/modules/jobs/enqueue.server";
import { appContext, systemActor, type TaskDefinition } from "../plugin-api.server";
import { allCorpStatsIds, updateCorpStats } from "./corpstats.server";

export const UPDATE_TASK = "corputils.update_corpstats";
export const UPDATE_ALL_TASK = "corputils.update_all_corpstats";

export const corputilsTasks: Record<string, TaskDefinition<any>> = {
  [UPDATE_TASK]: {
    description: "Corp stats: re-read one corporation's members from ESI with its stored token (removed, owner told, when the token or its character no longer can).",
    payload: z.object({ corpstatsId: z.number().int().positive() }).strict(),
    run: async (payload: { corpstatsId: number }) => updateCorpStats(appContext(), payload.corpstatsId, systemActor("corpstats-update")),
  },
  [UPDATE_ALL_TASK]: {
    description: "Corp stats: queue an update of every corporation's stats.",
    payload: z.object({}).strict().or(z.null()).or(z.undefined()),
    run: async () => {
      const { db } = appContext();
      const ids = await allCorpStatsIds(db);
      await db.transaction().execute(async (trx) => {
        for (const corpstatsId of ids) await enqueue(trx, UPDATE_TASK, { corpstatsId }, { priority: PRIORITY.esi, jobKey: `${UPDATE_TASK}:${corpstatsId}` });
      });
      return { enqueued: ids.length };
    },
  },
};
