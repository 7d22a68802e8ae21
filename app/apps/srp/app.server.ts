/**
 * Ship replacement (the original's srp): SRP fleets, members' loss requests checked against
 * zKillboard and ESI, managers' decisions and payouts. The domain is srp.server.ts.
 */
import { adminPermissionDefaults } from "~/modules/admin/permissions";
import type { AppDefinition } from "../types";
import { srpFleetsResource, srpRequestsResource } from "./admin.server";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";
import { SRP_ACCESS } from "./permissions";

export const srpApp: AppDefinition = {
  id: "srp",
  label: "srp.title",
  paths: ["/srp"],
  // auth.srp_management is a legacy permission on auth.user (app/modules/auth/permissions.ts).
  permissions: [{ appLabel: "srp", codename: "access_srp", name: "Can access SRP module" }, ...adminPermissionDefaults("srp", "srpfleetmain", "srp fleet main"), ...adminPermissionDefaults("srp", "srpuserrequest", "srp user request")],
  menu: [{ id: "srp", label: "srp.menu", to: "/srp", icon: "coins", order: 1020, permission: SRP_ACCESS }],
  adminResources: [srpFleetsResource, srpRequestsResource],
  messages: { en, de, es, "zh-hans": zhHans },
};
