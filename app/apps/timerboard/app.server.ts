/**
 * Structure timers (the original's timerboard): offensive and defensive structure timers with
 * countdowns; corporation-only timers are seen by the author's corporation alone.
 */
import { mainCharacterOf } from "~/modules/eve/main-character.server";
import { adminPermissionDefaults } from "~/modules/admin/permissions";
import type { AppDefinition } from "../types";
import { timersResource } from "./admin.server";
import { TIMER_VIEW } from "./choices";
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import zhHans from "./locales/zh-hans.json";
import { upcomingTimers } from "./timers.server";

export const timerboardApp: AppDefinition = {
  id: "timerboard",
  label: "timerboard.title",
  paths: ["/timers"],
  // auth.timer_view and auth.timer_management are the legacy permissions on auth.user (app/modules/auth/permissions.ts).
  permissions: adminPermissionDefaults("timerboard", "timer", "timer"),
  menu: [{ id: "timerboard", label: "timerboard.menu", to: "/timers", icon: "clock", order: 1010, permission: TIMER_VIEW }],
  adminResources: [timersResource],
  widgets: [
    {
      id: "timerboard.upcoming",
      order: 510,
      permission: TIMER_VIEW,
      load: async ({ db }, user) => {
        const main = await mainCharacterOf(db, user.id);
        const now = new Date();
        const timers = await upcomingTimers(db, main?.corporation_id ?? null, now);
        return timers.length ? { now: now.toISOString(), timers: timers.map((t) => ({ id: t.id, system: t.system, structure: t.structure, timer_type: t.timer_type, eve_time: t.eve_time.toISOString() })) } : null;
      },
    },
  ],
  messages: { en, de, es, "zh-hans": zhHans },
};
