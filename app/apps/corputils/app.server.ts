/**
 * Corp stats (the original's corputils): a corporation's members read from ESI with a member's
 * token, shown as mains and their characters, every member, and the unregistered ones, with a
 * search across every corporation the viewer may see. The domain is corpstats.server.ts.
 */
import { adminPermissionDefaults } from "~/modules/admin/permissions";
import type { AppDefinition } from "../types";
import { corpStatsResource } from "./admin.server";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";
import { mayUseCorpStats } from "./permissions";
import { corputilsTasks, UPDATE_ALL_TASK } from "./tasks.server";

export const corputilsApp: AppDefinition = {
  id: "corputils",
  label: "corputils.title",
  paths: ["/corpstats"],
  permissions: [
    { appLabel: "corputils", codename: "view_corp_corpstats", name: "Can view corp stats of their corporation." },
    { appLabel: "corputils", codename: "view_alliance_corpstats", name: "Can view corp stats of members of their alliance." },
    { appLabel: "corputils", codename: "view_state_corpstats", name: "Can view corp stats of members of their auth state." },
    // add_corpstats (and change/delete/view) as Django creates them for the model.
    ...adminPermissionDefaults("corputils", "corpstats", "corp stats"),
  ],
  menu: [{ id: "corputils", label: "corputils.menu", to: "/corpstats", icon: "building", order: 1040, visible: async (user) => mayUseCorpStats(user) }],
  adminResources: [corpStatsResource],
  tasks: corputilsTasks,
  // The original's documentation suggests every six hours (by default it only updates on demand).
  crontab: [{ identifier: "update_all_corpstats", task: UPDATE_ALL_TASK, pattern: "0 */6 * * *", priority: 7, description: "Corp stats: re-read every corporation's members from ESI." }],
  messages: { en, de, es, "zh-hans": zhHans },
};
