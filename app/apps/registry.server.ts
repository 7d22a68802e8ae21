/**
 * Every app, in one explicit list (docs/conventions.md, docs/decisions/0030-app-registry.md). An app
 * is its folder `app/apps/<id>/` plus one line in `apps` below; everything else the site needs
 * (menu, permissions, admin resources, tasks, schedule, strings, widgets, URL switch-off) is read
 * from its definition here, so nothing registers itself when a module is imported.
 */
import type { Kysely, Transaction } from "kysely";
import { getSettings, type Settings } from "~/config.server";
import type { Actor } from "~/modules/audit/audit.server";
import type { DB } from "../../db/schema";
import type { Messages } from "~/i18n/i18n";
import type { LanguageCode } from "~/i18n/languages";
import type { MenuItem, MenuUser } from "~/modules/menu/types";
import type { CronEntry } from "../../jobs/crontab";
import type { TaskDefinition } from "../../jobs/task-list";
import { announcementsApp } from "./announcements/app.server";
import { autogroupsApp } from "./autogroups/app.server";
import { corputilsApp } from "./corputils/app.server";
import { exampleApp } from "./example/app.server";
import { fleetactivitytrackingApp } from "./fleetactivitytracking/app.server";
import { hrapplicationsApp } from "./hrapplications/app.server";
import { optimerApp } from "./optimer/app.server";
import { srpApp } from "./srp/app.server";
import { timerboardApp } from "./timerboard/app.server";
import type { AppContext, AppDefinition, DashboardWidget } from "./types";

export type { AppDefinition, AppContext, DashboardWidget } from "./types";

/**
 * The apps, one line each. Read on first use rather than at import: an app's modules may import
 * core modules that read this registry, so nothing may touch the list while modules still load.
 */
function appList(): AppDefinition[] {
  return [
    announcementsApp,
    exampleApp,
    autogroupsApp,
    timerboardApp,
    optimerApp,
    srpApp,
    fleetactivitytrackingApp,
    corputilsApp,
    hrapplicationsApp,
  ];
}

let checked: readonly AppDefinition[] | undefined;

/** Every app, checked for clashes (ids, paths, widgets, task names) on first use. */
export function allApps(): readonly AppDefinition[] {
  return (checked ??= checkApps(appList()));
}

const ID = /^[a-z][a-z0-9_]*$/;

/** Checks a list of apps for clashes (ids, paths, widget ids, task names); throws on the first. */
export function checkApps(list: readonly AppDefinition[]): readonly AppDefinition[] {
  const ids = new Set<string>();
  const paths = new Map<string, string>();
  const widgets = new Set<string>();
  for (const app of list) {
    if (!ID.test(app.id)) throw new Error(`app id "${app.id}" must be lower-case letters, digits and _`);
    if (ids.has(app.id)) throw new Error(`app "${app.id}" is listed twice`);
    ids.add(app.id);
    for (const path of app.paths) {
      if (!/^\/[a-z0-9][a-z0-9/_-]*$/.test(path) || path.endsWith("/")) throw new Error(`app "${app.id}": path "${path}" must look like /name`);
      const owner = paths.get(path);
      if (owner) throw new Error(`apps "${owner}" and "${app.id}" both claim ${path}`);
      paths.set(path, app.id);
    }
    for (const widget of app.widgets ?? []) {
      if (widgets.has(widget.id)) throw new Error(`dashboard widget "${widget.id}" is declared twice`);
      widgets.add(widget.id);
    }
    for (const task of Object.keys(app.tasks ?? {})) {
      if (!task.startsWith(`${app.id}.`)) throw new Error(`app "${app.id}": task "${task}" must be named ${app.id}.<verb>`);
    }
  }
  return list;
}

const idList = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/** The ids named in APPS_DISABLED / APPS_ENABLED that no app has (for `npm run check`). */
export function unknownAppIds(settings: Pick<Settings, "APPS_DISABLED" | "APPS_ENABLED">, list: readonly AppDefinition[] = allApps()): string[] {
  const known = new Set(list.map((a) => a.id));
  return [...idList(settings.APPS_DISABLED), ...idList(settings.APPS_ENABLED)].filter((id) => !known.has(id));
}

/** The apps switched on by these settings: every app not in APPS_DISABLED, opt-in ones only when in APPS_ENABLED. */
export function enabledApps(settings: Pick<Settings, "APPS_DISABLED" | "APPS_ENABLED">, list: readonly AppDefinition[] = allApps()): readonly AppDefinition[] {
  const off = new Set(idList(settings.APPS_DISABLED));
  const on = new Set(idList(settings.APPS_ENABLED));
  return list.filter((app) => !off.has(app.id) && (!app.optIn || on.has(app.id)));
}

/** The app a URL path belongs to, if any (a path equal to one of its prefixes or below it). */
export function appForPath(pathname: string, list: readonly AppDefinition[] = allApps()): AppDefinition | undefined {
  const path = pathname.toLowerCase();
  return list.find((app) => app.paths.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)));
}

/** True when the path belongs to an app these settings switch off (the HTTP layer answers 404). */
export function isSwitchedOffPath(settings: Pick<Settings, "APPS_DISABLED" | "APPS_ENABLED">, pathname: string, list: readonly AppDefinition[] = allApps()): boolean {
  const app = appForPath(pathname, list);
  return app !== undefined && !enabledApps(settings, list).includes(app);
}

// Everything below covers every app, enabled or not: permissions and strings stay declared (the
// data stays), and the menu, widgets and schedule are filtered by `enabledApps` where they are used.

export function appPermissions(list: readonly AppDefinition[] = allApps()) {
  return list.flatMap((app) => app.permissions ?? []);
}

/** Menu entries of the given apps, each tagged with its app (see `menuForApps`). */
export function appMenu(list: readonly AppDefinition[] = allApps()): readonly MenuItem[] {
  return list.flatMap((app) => app.menu ?? []);
}

export function appTasks(list: readonly AppDefinition[] = allApps()): Record<string, TaskDefinition<any>> {
  return Object.assign({}, ...list.map((app) => app.tasks ?? {}));
}

/** The app a task belongs to (by its `<app id>.` prefix). */
export function appOfTask(task: string, list: readonly AppDefinition[] = allApps()): AppDefinition | undefined {
  return list.find((app) => app.tasks && task in app.tasks);
}

export function appCrontab(list: readonly AppDefinition[] = allApps()): CronEntry[] {
  return list.flatMap((app) => app.crontab ?? []);
}

export function appAdminResources(list: readonly AppDefinition[] = allApps()) {
  return list.flatMap((app) => app.adminResources ?? []);
}

export function appWidgets(list: readonly AppDefinition[] = allApps()): DashboardWidget[] {
  return list.flatMap((app) => app.widgets ?? []).sort((a, b) => a.order - b.order);
}

export function appMessages(lang: LanguageCode, list: readonly AppDefinition[] = allApps()): Messages[] {
  return list.flatMap((app) => (app.messages ? [app.messages[lang]] : []));
}

/** The dashboard widgets of the apps switched on that this user may see, with their data, in order. */
export async function loadWidgets(ctx: AppContext, user: MenuUser): Promise<{ id: string; order: number; data: unknown }[]> {
  const widgets = appWidgets(enabledApps(ctx.settings)).filter((w) => !w.permission || user.is_superuser || user.permissions.has(w.permission));
  const loaded = await Promise.all(widgets.map(async (w) => ({ id: w.id, order: w.order, data: await w.load(ctx, user) })));
  return loaded.filter((w) => w.data !== null && w.data !== undefined);
}

type Executor = Kysely<DB> | Transaction<DB>;

/** Tells every app switched on that these users' main, affiliation or state changed (AppHooks.membersChanged). */
export async function appsMembersChanged(db: Executor, userIds: readonly number[], actor: Actor, settings: Pick<Settings, "APPS_DISABLED" | "APPS_ENABLED"> = getSettings()) {
  if (userIds.length === 0) return;
  for (const app of enabledApps(settings)) await app.hooks?.membersChanged?.(db, userIds, actor);
}

/** The group ids among these whose membership an app switched on decides (AppHooks.managedGroups). */
export async function appManagedGroupIds(db: Executor, groupIds: readonly number[], settings: Pick<Settings, "APPS_DISABLED" | "APPS_ENABLED"> = getSettings()): Promise<Set<number>> {
  const managed = new Set<number>();
  if (groupIds.length === 0) return managed;
  for (const app of enabledApps(settings)) for (const id of (await app.hooks?.managedGroups?.(db, groupIds)) ?? []) managed.add(id);
  return managed;
}
