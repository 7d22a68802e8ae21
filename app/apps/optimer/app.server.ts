/** Fleet operations (the original's optimer): scheduled fleets in EVE time, with op types kept in the admin site. */
import { adminPermissionDefaults } from "~/modules/admin/permissions";
import type { AppDefinition } from "../types";
import { opTypesResource } from "./admin.server";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";
import { nextOps, OPTIMER_VIEW } from "./ops.server";

export const optimerApp: AppDefinition = {
  id: "optimer",
  label: "optimer.title",
  paths: ["/optimer"],
  // auth.optimer_view and auth.optimer_management are the legacy permissions on auth.user (app/modules/auth/permissions.ts).
  permissions: adminPermissionDefaults("optimer", "optimertype", "op type"),
  menu: [{ id: "optimer", label: "optimer.menu", to: "/optimer", icon: "crosshair", order: 1000, permission: OPTIMER_VIEW }],
  adminResources: [opTypesResource],
  widgets: [
    {
      id: "optimer.upcoming",
      order: 505,
      permission: OPTIMER_VIEW,
      load: async ({ db }) => {
        const now = new Date();
        const ops = await nextOps(db, now);
        return ops.length ? { now: now.toISOString(), ops: ops.map((o) => ({ id: o.id, operation_name: o.operation_name, doctrine: o.doctrine, system: o.system, start: o.start.toISOString() })) } : null;
      },
    },
  ],
  messages: { en, de, es, "zh-hans": zhHans },
};
