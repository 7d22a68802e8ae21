/**
 * Fleet activity tracking (the original's fleetactivitytracking): FCs make FAT links, members click
 * them with a character that is online to record where and in what they flew, and statistics per
 * member, corporation and month show who turns up. The domain is fat.server.ts and stats.server.ts.
 */
import { adminPermissionDefaults } from "~/modules/admin/permissions";
import type { AppDefinition } from "../types";
import { fatlinksResource, fatsResource } from "./admin.server";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";
import { userActivitySummary } from "./stats.server";

export const fleetactivitytrackingApp: AppDefinition = {
  id: "fleetactivitytracking",
  label: "fleetactivitytracking.title",
  paths: ["/fat"],
  // auth.fleetactivitytracking and auth.fleetactivitytracking_statistics are legacy permissions on auth.user
  // (app/modules/auth/permissions.ts); clicking a link and one's own statistics need none.
  permissions: [...adminPermissionDefaults("fleetactivitytracking", "fatlink", "fatlink"), ...adminPermissionDefaults("fleetactivitytracking", "fat", "fat")],
  menu: [{ id: "fleetactivitytracking", label: "fleetactivitytracking.menu", to: "/fat", icon: "flag", order: 1030 }],
  adminResources: [fatlinksResource, fatsResource],
  // The member's own recent fleet participation: like clicking a link, it needs no permission; members
  // who never joined a tracked fleet see nothing (docs/decisions/0042).
  widgets: [
    {
      id: "fleetactivitytracking.activity",
      order: 515,
      load: async ({ db }, user) => {
        const summary = await userActivitySummary(db, user.id);
        return summary.recent.length ? summary : null;
      },
    },
  ],
  messages: { en, de, es, "zh-hans": zhHans },
};
