/**
 * The stored sidebar menu (the original's allianceauth/menu): every entry the core, the services and
 * the apps declare in code (`MenuItem`) has a row in `menu_items`, and the admin adds folders and
 * links, renames, reorders, nests and hides entries. The rows follow the code by `syncMenu` (at
 * start-up, and whenever a process renders a menu from a list it has not synced yet): new entries
 * appear, entries gone from the code go, and the admin's order, folder, label and visibility stay.
 * Who sees an entry still comes from the entry itself (permission, staff flag, check), and badges
 * still count; a folder with nothing to show is not shown.
 */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { precompiled } from "../../../db/precompiled";
import { dialectOf } from "../../../db/dialect";
import { getSettings, type Settings } from "~/config.server";
import type { MenuItem, MenuUser } from "./types";
import { visibleMenu } from "./registry.server";
import { isIconName, type IconName } from "./icon-names";
import { bumpMenuRevision } from "./revision.server";
import type { RequestMemo } from "../memo";

type Executor = Kysely<DB> | Transaction<DB>;

/** The icons the menu editor offers for a link, a folder or an entry (names from icon-names.ts, drawn by app/components/icon.tsx). */
export const MENU_ICONS = ["link", "book", "chat", "calendar", "chart", "shield", "rocket", "star"] as const satisfies readonly IconName[];

export type MenuRow = Awaited<ReturnType<typeof menuRows>>[number];

/** Every page's menu, compiled once (db/precompiled.ts). */
const menuRowsQuery = precompiled((db) => db.selectFrom("menu_items").select(["id", "source_id", "default_label", "label", "url", "icon", "sort_order", "parent_id", "is_hidden"]).orderBy("sort_order").orderBy("id"));

export function menuRows(db: Executor) {
  return menuRowsQuery.execute(db, {});
}

export const isFolder = (row: Pick<MenuRow, "source_id" | "url">) => row.source_id === null && row.url === null;

/**
 * Brings the rows in line with the code's entries: inserts the missing ones (at their own order,
 * top level), deletes those no longer declared, refreshes each one's own label. Admin edits stay.
 */
export async function syncMenu(db: Kysely<DB>, items: readonly MenuItem[]): Promise<{ added: number; removed: number }> {
  const rows = await db.selectFrom("menu_items").select(["id", "source_id", "default_label"]).where("source_id", "is not", null).execute();
  const declared = new Map(items.map((item) => [item.id, item]));
  const gone = rows.filter((row) => !declared.has(row.source_id!)).map((row) => row.id);
  if (gone.length) await db.deleteFrom("menu_items").where("id", "in", gone).execute();
  const known = new Map(rows.map((row) => [row.source_id!, row]));
  const missing = items.filter((item) => !known.has(item.id));
  if (missing.length) {
    const values = missing.map((item) => ({ source_id: item.id, default_label: item.label, label: null, url: null, icon: null, sort_order: item.order, parent_id: null, is_hidden: false }));
    // Two processes may sync at once: the unique source_id keeps one row per entry.
    if (dialectOf(db) === "mysql") await db.insertInto("menu_items").ignore().values(values).execute();
    else await db.insertInto("menu_items").values(values).onConflict((oc) => oc.column("source_id").doNothing()).execute();
  }
  let relabelled = 0;
  for (const item of items) {
    const row = known.get(item.id);
    if (row && row.default_label !== item.label) {
      await db.updateTable("menu_items").set({ default_label: item.label }).where("id", "=", row.id).execute();
      relabelled++;
    }
  }
  if (gone.length || missing.length || relabelled) await bumpMenuRevision(db);
  return { added: missing.length, removed: gone.length };
}

/** The list each database was last synced with, in this process. */
const synced = new WeakMap<object, string>();

/** Syncs when this process has not synced this list with this database yet (start-up, then lazily). */
export async function ensureMenuSynced(db: Kysely<DB>, items: readonly MenuItem[]) {
  const signature = items.map((item) => `${item.id}=${item.label}`).join("\n");
  if (synced.get(db) === signature) return;
  await syncMenu(db, items);
  synced.set(db, signature);
}

/** Forgets the sync of this database and the rows kept (after the rows were changed from outside, e.g. a test). */
export function forgetMenuSync(db: Kysely<DB>) {
  synced.delete(db);
  kept.delete(db);
}

/** The rows last read from each database, and the revision they were read at. */
const kept = new WeakMap<object, { revision: string; rows: MenuRow[] }>();

/**
 * The rows at `revision` (as read with the session): from memory while it is unchanged. Without a
 * revision (a page after a form, a caller outside a page) they are read.
 */
async function rowsAt(db: Kysely<DB>, revision: string | null | undefined): Promise<readonly MenuRow[]> {
  if (revision === undefined) return menuRows(db);
  const key = revision ?? "";
  const hit = kept.get(db);
  if (hit?.revision === key) return hit.rows;
  const rows = await menuRows(db);
  kept.set(db, { revision: key, rows });
  return rows;
}

export interface SiteMenuEntry {
  id: string;
  /** An i18n key when `translate`, the admin's text otherwise. */
  label: string;
  translate: boolean;
  to: string;
  /** A link off the site (opens in a new tab). */
  external: boolean;
  icon: IconName | null;
  badge: number;
  /** A folder's entries (folders only). */
  children?: SiteMenuEntry[];
}

const iconOf = (value: string | null | undefined): IconName | null => (isIconName(value) ? value : null);

/**
 * The sidebar this user sees: the stored order, folders and labels over the entries of `items` the
 * user may see (with their badges), the admin's links, and folders that hold something visible.
 * `synced` is the list the rows follow (every entry, apps switched off included). `revision`: the
 * menu revision read with the session (revision.server.ts); without it the rows are read.
 */
export async function siteMenu(
  db: Kysely<DB>,
  user: MenuUser,
  items: readonly MenuItem[],
  { synced = items, settings = getSettings(), revision, memo }: { synced?: readonly MenuItem[]; settings?: Settings; revision?: string | null; memo?: RequestMemo } = {},
): Promise<SiteMenuEntry[]> {
  await ensureMenuSynced(db, synced);
  const rows = await rowsAt(db, revision);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const parentOf = (row: MenuRow) => {
    const parent = row.parent_id === null ? undefined : byId.get(row.parent_id);
    return parent && isFolder(parent) && parent.parent_id === null ? parent : undefined;
  };
  const hidden = (row: MenuRow) => row.is_hidden || Boolean(parentOf(row)?.is_hidden);
  const rowOf = new Map(rows.filter((row) => row.source_id !== null).map((row) => [row.source_id!, row]));
  // Badges and checks only for entries not hidden by the admin.
  const shown = await visibleMenu(
    user,
    items.filter((item) => {
      const row = rowOf.get(item.id);
      return !row || !hidden(row);
    }),
    { db, settings, memo },
  );
  const visible = new Map(shown.map((entry) => [entry.id, entry]));
  const entry = (row: MenuRow): SiteMenuEntry | null => {
    if (row.source_id !== null) {
      const item = visible.get(row.source_id);
      if (!item) return null;
      return { id: item.id, label: row.label ?? item.label, translate: row.label === null, to: item.to, external: false, icon: iconOf(row.icon) ?? iconOf(item.icon), badge: item.badge };
    }
    if (row.url !== null) return { id: `link-${row.id}`, label: row.label ?? row.url, translate: false, to: row.url, external: /^https?:\/\//i.test(row.url), icon: iconOf(row.icon), badge: 0 };
    return null;
  };
  const top: SiteMenuEntry[] = [];
  for (const row of rows) {
    if (hidden(row) || parentOf(row)) continue;
    if (isFolder(row)) {
      const children = rows
        .filter((child) => child.parent_id === row.id && !child.is_hidden && !isFolder(child))
        .map(entry)
        .filter((e): e is SiteMenuEntry => e !== null);
      if (children.length) top.push({ id: `folder-${row.id}`, label: row.label ?? "", translate: false, to: "", external: false, icon: iconOf(row.icon), badge: children.reduce((sum, c) => sum + c.badge, 0), children });
      continue;
    }
    const e = entry(row);
    if (e) top.push(e);
  }
  // An entry declared but not stored yet (another process deleted its row meanwhile): at the end.
  for (const item of shown) if (!rowOf.has(item.id)) top.push({ id: item.id, label: item.label, translate: true, to: item.to, external: false, icon: iconOf(item.icon), badge: item.badge });
  return top;
}
