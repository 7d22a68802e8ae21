/**
 * A sidebar entry. Each names the permission it needs, or a server-side check (the server filters;
 * the page the entry links to checks again). `badge` puts a number next to the entry (e.g. pending
 * group requests). A feature exports its entries as a `MenuItem[]` from `<feature>/menu.server.ts`
 * and adds one line to the list in `menu/registry.server.ts`.
 */
import type { RequestMemo } from "../memo";
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import type { PermissionKey } from "../auth/permission-types";
import type { IconName } from "./icon-names";

export interface MenuUser {
  id: number;
  permissions: Set<string>;
  is_staff: boolean;
  is_superuser: boolean;
}

/** What a menu check may read: the database and the settings of the request it renders for. */
export interface MenuContext {
  db: Kysely<DB>;
  settings: Settings;
  /** The request's memo, when the menu is rendered for a page: a badge the page shows too is read once. */
  memo?: RequestMemo;
}

export interface MenuItem {
  /** Unique across the whole menu. */
  id: string;
  /** i18n key */
  label: string;
  to: string;
  /** Drawn before the label (app/components/icon.tsx); the admin's menu editor may choose another. */
  icon?: IconName;
  /** Position in the sidebar, smallest first. */
  order: number;
  permission?: PermissionKey;
  staffOnly?: boolean;
  /** Extra server-side visibility check (may query the database). */
  visible?: (user: MenuUser, ctx: MenuContext) => Promise<boolean>;
  badge?: (user: MenuUser, ctx: MenuContext) => Promise<number>;
}
