/**
 * Auto groups (the original's eveonline.autogroups): groups per corporation and alliance of the
 * members' mains, for the states a config lists. No member page; configs are an admin resource.
 * Membership follows every affiliation refresh, main change and state change (hooks).
 */
import type { AppDefinition } from "../types";
import { autogroupsConfigResource } from "./admin-resource.server";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";

/** The domain is loaded on first use: the core imports the app registry, so a static import would be a cycle. */
const sync = () => import("./sync.server");

const model = (verb: string, name: string) => ({ appLabel: "eve_autogroups", codename: `${verb}_autogroupsconfig`, name });

export const autogroupsApp: AppDefinition = {
  id: "autogroups",
  label: "autogroups.title",
  paths: [],
  permissions: [model("add", "Can add autogroups config"), model("change", "Can change autogroups config"), model("delete", "Can delete autogroups config"), model("view", "Can view autogroups config")],
  adminResources: [autogroupsConfigResource],
  hooks: {
    membersChanged: async (db, userIds, actor) => {
      await (await sync()).syncAutogroups(db, userIds, actor, "main, affiliation or state changed");
    },
    managedGroups: async (db, groupIds) => (await sync()).managedGroupIds(db, groupIds),
  },
  messages: { en, de, es, "zh-hans": zhHans },
};
