/**
 * The periodic schedule, in code, with stable identifiers (UTC). Operators change it with
 * CRONTAB_OVERRIDES (`identifier=<pattern>` or `identifier=off`) and add to it with CRONTAB_EXTRA
 * (`<cron pattern> <task> [<json payload>]` lines).
 */
import { type CronItem, parseCronItems } from "graphile-worker";
import { serviceCrontab } from "~/modules/services/tasks.server";
import type { Settings } from "~/config.server";
import { appCrontab, allApps, appTasks, enabledApps } from "~/apps/registry.server";

export interface CronEntry {
  identifier: string;
  task: string;
  /** minute hour day-of-month month day-of-week, UTC */
  pattern: string;
  priority: number;
  description: string;
}

export const builtInCrontab: CronEntry[] = [
  {
    identifier: "cleanup_expired_sessions",
    task: "authentication.cleanup_expired_sessions",
    pattern: "17 * * * *",
    priority: 7,
    description: "Delete expired sessions and used or expired one-time tokens.",
  },
  {
    identifier: "apply_retention",
    task: "core.apply_retention",
    pattern: "43 3 * * *",
    priority: 7,
    description: "Remove personal data past its retention (see docs/data-inventory.md).",
  },
  {
    identifier: "relay_outbox",
    task: "core.relay_outbox",
    pattern: "* * * * *",
    priority: 1,
    description: "Safety net for the outbox relay loop (MySQL, or a separate queue database).",
  },
  {
    identifier: "run_model_update",
    task: "eveonline.run_model_update",
    pattern: "*/10 * * * *", // EVE_AFFILIATION_UPDATE_MINUTES, see scheduleFor
    priority: 7,
    description: "Refresh every character's corporation, alliance, faction and name from ESI (bulk calls).",
  },
  {
    identifier: "check_all_character_ownership",
    task: "authentication.check_all_character_ownership",
    pattern: "0 */4 * * *",
    priority: 7,
    description: "Check at the EVE SSO that every owned character still belongs to the same EVE account.",
  },
  {
    identifier: "analytics_daily_stats",
    task: "analytics.analytics_daily_stats",
    pattern: "0 2 * * *",
    priority: 9,
    description: "Send yesterday's usage report to the operator's own analytics (ANALYTICS_PROVIDER; off by default: then it sends nothing).",
  },
  ...serviceCrontab(),
];

/** A cron pattern running every `minutes` (a divisor of 60, or whole hours dividing a day; the setting checks it). */
export function everyMinutes(minutes: number): string {
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = minutes / 60;
  return hours >= 24 ? "0 0 * * *" : `0 */${hours} * * *`;
}

/** The schedule for these settings: the built-in entries (cadences from their settings) and those of the apps switched on. */
export function scheduleFor(settings: Pick<Settings, "APPS_DISABLED" | "APPS_ENABLED" | "EVE_AFFILIATION_UPDATE_MINUTES">): CronEntry[] {
  const builtIn = builtInCrontab.map((e) => (e.identifier === "run_model_update" ? { ...e, pattern: everyMinutes(settings.EVE_AFFILIATION_UPDATE_MINUTES) } : e));
  return [...builtIn, ...appCrontab(enabledApps(settings))];
}

/** Task names of the apps these settings switch off: the worker does not take their jobs. */
export function switchedOffTasks(settings: Pick<Settings, "APPS_DISABLED" | "APPS_ENABLED">): Set<string> {
  const on = enabledApps(settings);
  return new Set(Object.keys(appTasks(allApps().filter((app) => !on.includes(app)))));
}

export class CrontabError extends Error {}

const PATTERN = /^\S+ \S+ \S+ \S+ \S+$/;

/**
 * The effective schedule as graphile-worker cron items. Throws CrontabError naming the setting.
 * `knownTasks` guards CRONTAB_EXTRA against typos.
 */
export function buildCrontab(overrides: string, extra: string, knownTasks?: string[], entries: CronEntry[] = builtInCrontab): CronItem[] {
  const byId = new Map(entries.map((e) => [e.identifier, { ...e }]));
  const disabled = new Set<string>();
  for (const part of overrides.split(";").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new CrontabError(`CRONTAB_OVERRIDES: "${part}" is not identifier=pattern or identifier=off`);
    const id = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim().replace(/\s+/g, " ");
    const entry = byId.get(id);
    if (!entry) throw new CrontabError(`CRONTAB_OVERRIDES: unknown schedule "${id}" (known: ${[...byId.keys()].join(", ")})`);
    if (value === "off") disabled.add(id);
    else if (PATTERN.test(value)) entry.pattern = value;
    else throw new CrontabError(`CRONTAB_OVERRIDES: "${value}" for ${id} is not a five-field cron pattern`);
  }
  const items: CronItem[] = [...byId.values()]
    .filter((e) => !disabled.has(e.identifier))
    .map((e) => ({ task: e.task, match: e.pattern, identifier: e.identifier, options: { priority: e.priority, backfillPeriod: 0 } }));
  extra
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((line, index) => {
      const match = /^(\S+ \S+ \S+ \S+ \S+)\s+(\S+)(?:\s+(.+))?$/.exec(line);
      if (!match) throw new CrontabError(`CRONTAB_EXTRA: "${line}" is not "<five-field cron pattern> <task> [<json payload>]"`);
      const [, pattern, task, json] = match;
      if (knownTasks && !knownTasks.includes(task)) throw new CrontabError(`CRONTAB_EXTRA: unknown task "${task}"`);
      let payload: Record<string, unknown> | undefined;
      if (json) {
        try {
          payload = JSON.parse(json);
        } catch {
          throw new CrontabError(`CRONTAB_EXTRA: payload of "${task}" is not valid JSON`);
        }
      }
      items.push({ task, match: pattern, identifier: `extra_${index + 1}_${task}`, payload, options: { backfillPeriod: 0 } });
    });
  try {
    parseCronItems(items);
  } catch (error) {
    throw new CrontabError(`CRONTAB_OVERRIDES/CRONTAB_EXTRA: ${(error as Error).message}`);
  }
  return items;
}
