/**
 * What an app declares to plug into the site. An app lives in `app/apps/<id>/`, exports one
 * `AppDefinition` from `app.server.ts`, and gets one line in `apps` (`app/apps/registry.server.ts`).
 * Its page routes are the Remix flat-route files in `app/apps/<id>/routes/` (mounted by
 * remix.config.js); its browser-side dashboard widgets are listed in `app/apps/widgets.tsx`.
 * This maps the original's hooks: `menu_item_hook` → `menu`, `url_hook` → `routes/` + `paths`,
 * `dashboard_hook` → `widgets`, `services_hook` → the connectors registry (app/connectors).
 */
import type { Kysely, Transaction } from "kysely";
import type { Actor } from "~/modules/audit/audit.server";
import type { Settings } from "~/config.server";
import type { Messages } from "~/i18n/i18n";
import type { LanguageCode } from "~/i18n/languages";
import type { AdminResource } from "~/modules/admin/registry.server";
import type { PermissionDeclaration } from "~/modules/auth/permission-types";
import type { MenuItem, MenuUser } from "~/modules/menu/types";
import type { DB } from "../../db/schema";
import type { CronEntry } from "../../jobs/crontab";
import type { TaskDefinition } from "../../jobs/task-list";

export interface AppContext {
  db: Kysely<DB>;
  settings: Settings;
}

/** A dashboard panel: the server loads its data; `app/apps/widgets.tsx` renders it (by `id`). */
export interface DashboardWidget {
  /** Unique across every app; the key in `app/apps/widgets.tsx`. */
  id: string;
  /** Position among the dashboard's panels, smallest first (the core's own panels are 0–99). */
  order: number;
  /** Shown only to users holding this permission. */
  permission?: string;
  /** The widget's data, or null to show nothing for this user. Must be JSON-serialisable. */
  load(ctx: AppContext, user: MenuUser): Promise<unknown | null>;
}

/**
 * Calls from the core into an app, in the caller's transaction (the original's signal receivers).
 * Only apps switched on are called.
 */
export interface AppHooks {
  /**
   * These users' main character, its corporation or alliance, or their state changed (the
   * affiliation refresh, a main change, a state re-evaluation). Must be set-based.
   */
  membersChanged?(db: Kysely<DB> | Transaction<DB>, userIds: readonly number[], actor: Actor): Promise<void>;
  /** The ids among `groupIds` whose membership the app decides: members cannot join or leave them by hand. */
  managedGroups?(db: Kysely<DB> | Transaction<DB>, groupIds: readonly number[]): Promise<number[]>;
}

export interface AppDefinition {
  /** Lower-case id, as in APPS_DISABLED / APPS_ENABLED (the original's app label where one exists). */
  id: string;
  /** i18n key of the app's name (admin lists, settings pages). */
  label: string;
  /** Off unless listed in APPS_ENABLED (examples, apps with outside requirements). Default on. */
  optIn?: boolean;
  /**
   * URL path prefixes the app's routes answer under (e.g. `/corpstats`). When the app is switched
   * off every request under them is a 404, before any loader or action runs.
   */
  paths: readonly string[];
  permissions?: readonly PermissionDeclaration[];
  menu?: readonly MenuItem[];
  adminResources?: readonly AdminResource[];
  widgets?: readonly DashboardWidget[];
  /** Worker tasks, named `<app id>.<verb>`. */
  tasks?: Readonly<Record<string, TaskDefinition<any>>>;
  crontab?: readonly CronEntry[];
  hooks?: AppHooks;
  /** The app's strings, one object per language, under a top-level key of its own (its id). */
  messages?: Readonly<Record<LanguageCode, Messages>>;
}
