/**
 * Announcements (issue 20): admins post site-wide or state/group-targeted messages with a level
 * and a time window; members see them at the top of the dashboard and dismiss them.
 */
import type { AppDefinition } from "../plugin-api.server";
import { announcementsResource } from "./admin-resource.server";
import { activeAnnouncementsFor } from "./announcements.server";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";

export const announcementsApp: AppDefinition = {
  id: "announcements",
  label: "announcements.title",
  paths: ["/announcements"],
  permissions: (["view", "add", "change", "delete"] as const).map((verb) => ({ appLabel: "announcements", codename: `${verb}_announcement`, name: `Can ${verb} announcement` })),
  adminResources: [announcementsResource],
  // Order below the core's panels: shown above them.
  widgets: [{ id: "announcements.active", order: -10, load: async ({ db }, user) => {
    const list = await activeAnnouncementsFor(db, user.id);
    return list.length ? list : null;
  } }],
  messages: { en, de, es, "zh-hans": zhHans },
};
