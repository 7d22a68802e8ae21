/**
 * HR applications (the original's hrapplications): corporations' application forms, members'
 * applications, and their review by HR (`auth.human_resources`, a legacy permission the core
 * declares). The domain is hr.server.ts (applications) and hr-admin.server.ts (questions, forms).
 */
import { adminPermissionDefaults } from "~/modules/admin/permissions";
import type { AppDefinition } from "../types";
import { hrFormsResource, hrQuestionsResource } from "./admin.server";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";

const MODELS: [string, string][] = [
  ["applicationquestion", "application question"],
  ["applicationchoice", "application choice"],
  ["applicationform", "application form"],
  ["application", "application"],
  ["applicationresponse", "application response"],
  ["applicationcomment", "application comment"],
];

export const hrapplicationsApp: AppDefinition = {
  id: "hrapplications",
  label: "hrapplications.title",
  paths: ["/hr"],
  permissions: [
    { appLabel: "hrapplications", codename: "approve_application", name: "Can approve applications" },
    { appLabel: "hrapplications", codename: "reject_application", name: "Can reject applications" },
    { appLabel: "hrapplications", codename: "view_apis", name: "Can view applicant APIs" },
    ...MODELS.flatMap(([model, verbose]) => adminPermissionDefaults("hrapplications", model, verbose)),
  ],
  // Every member may apply; the badge counts the pending applications a reviewer sees (the original's menu count).
  menu: [
    {
      id: "hrapplications",
      label: "hrapplications.menu",
      to: "/hr",
      icon: "file-text",
      order: 1050,
      badge: async (user, { db }) => {
        const { pendingCount } = await import("./hr.server");
        return pendingCount(db, user);
      },
    },
  ],
  adminResources: [hrQuestionsResource, hrFormsResource],
  messages: { en, de, es, "zh-hans": zhHans },
};
