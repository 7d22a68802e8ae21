/**
 * The admin registry: a module declares a resource once (table, list columns, search, filters,
 * form fields with a zod schema, read-only fields, operations) and gets the generic /admin pages.
 * Operations run their own transactions and write their audit rows inside them.
 */
import type { Kysely } from "kysely";
import type { ZodType } from "zod";
import type { DB } from "../../../db/schema";
import type { Actor } from "../audit/audit.server";
import type { CurrentUser } from "../auth/sessions.server";
import type { PermissionKey } from "../auth/permission-types";

export type Verb = "view" | "add" | "change" | "delete";

export interface AdminCtx {
  db: Kysely<DB>;
  user: CurrentUser;
  actor: Actor;
}

export interface Option {
  value: string;
  label: string;
  /** Shown but not offered: this user may neither add nor remove it (e.g. a restricted group for staff). */
  locked?: boolean;
  /** The label is an i18n key (fixed choices), not data. */
  translate?: boolean;
}

export type FieldKind = "text" | "password" | "textarea" | "number" | "checkbox" | "select" | "multiselect" | "idlist";

export interface FieldDef {
  name: string;
  label: string;
  kind: FieldKind;
  /** Choices for select/multiselect (small tables only; large tables use idlist). */
  options?: (ctx: AdminCtx, id: string | null) => Promise<Option[]>;
  /** Read-only for this user (e.g. staff limits). Submitting a different value is refused with 403. */
  superuserOnly?: boolean;
  /** Never editable through the form. */
  readOnly?: boolean;
  /** Only on the create form. */
  createOnly?: boolean;
  /** Ids in this field are EVE ids (bigint), not row ids (integer). */
  eveIds?: boolean;
  /**
   * An open-ended multiselect/idlist: the picker searches `/lookup/<kind>` (EVE entities through
   * ESI, or usernames) and the form reads it with `readPicked`; `options` then only labels the
   * current choice.
   */
  lookup?: "character" | "corporation" | "alliance" | "faction" | "user";
  /** A text whose leading and trailing spaces matter (e.g. a name prefix): not trimmed. */
  keepSpaces?: boolean;
}

export interface ColumnDef {
  name: string;
  label: string;
  /** SQL expression (qualified column) used for sorting, keyset paging and search. */
  expr: string;
  sortable?: boolean;
  kind?: "text" | "number" | "bool" | "date";
  /** The value is an i18n key (a fixed choice), shown translated. */
  translate?: boolean;
  /** When the value is empty, show the i18n key held in this other selected column (e.g. an entry's own label). */
  i18nFallback?: string;
}

export interface FilterDef {
  name: string;
  label: string;
  /** What the query parameter holds: an id (integer column), an EVE id (bigint), or a yes/no flag ("1"/"0"). */
  value: "id" | "eveId" | "flag";
  options: (ctx: AdminCtx) => Promise<Option[]>;
  /** Receives the strictly parsed value: a number for ids, a boolean for flags. */
  apply: (query: any, value: number | boolean) => any;
}

export interface RelatedCount {
  label: string;
  count: number;
}

export interface BulkAction {
  name: string;
  label: string;
  permission: Verb;
  /** Runs as a background job when true (touches many users). */
  job?: boolean;
}

/** Refusals the routes turn into responses. */
export class AdminForbidden extends Error {
  constructor(
    readonly required: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(`forbidden: ${required}`);
  }
}
export class AdminInvalid extends Error {
  constructor(
    readonly errors: Record<string, string>,
    /** Interpolation values of the messages, by field. */
    readonly params: Record<string, Record<string, string>> = {},
  ) {
    super("invalid");
  }
}
export class AdminNotFound extends Error {}

export type Values = Record<string, unknown>;

export interface AdminResource {
  key: string;
  label: string;
  appLabel: string;
  model: string;
  /** Staff may always view it without permissions (the original's permission list). */
  staffVisible?: boolean;
  auditType: string;
  /** `eveId`: the number is an EVE id (bigint column); otherwise a row id (integer column). */
  pk: { expr: string; kind: "number" | "text"; eveId?: boolean };
  columns: ColumnDef[];
  search: string[];
  filters?: FilterDef[];
  defaultSort?: string;
  /** The list's base query; selects `id` plus every column name. */
  listQuery: (db: Kysely<DB>) => any;
  fields?: FieldDef[];
  /** What the add form starts from, where an empty field would not do (e.g. the original's default prefixes). */
  defaults?: Values;
  schema?: ZodType;
  /** Current values (form values for editable resources; never secrets). */
  get: (db: Kysely<DB>, id: string) => Promise<Values | null>;
  title: (row: Values) => string;
  /** An i18n key to show instead of `title` on the object's pages, when its name is a translated default (a menu entry of the code). */
  titleKey?: (row: Values) => string | null;
  /** Extra read-only facts shown on the detail page. */
  details?: (db: Kysely<DB>, id: string) => Promise<{ label: string; value: string }[]>;
  create?: (ctx: AdminCtx, values: Values) => Promise<string | number>;
  update?: (ctx: AdminCtx, id: string, values: Values, current: Values) => Promise<void>;
  /** Deletes the object; `{ pending: true }` when it goes later, in a job (a user whose service accounts are removed first). */
  remove?: (ctx: AdminCtx, id: string, current: Values) => Promise<void | { pending: true }>;
  /** Why it cannot be deleted (an i18n key), or null. */
  undeletable?: (current: Values) => string | null;
  related?: (db: Kysely<DB>, id: string) => Promise<RelatedCount[]>;
  /** The audit target ids that belong to this object (its history). */
  auditIds?: (id: string, current: Values) => string[];
  preview?: (ctx: AdminCtx, id: string | null, values: Values) => Promise<{ summary: string; params: Record<string, string | number> }>;
  bulkActions?: BulkAction[];
  /** Refuses (AdminForbidden) objects this user may not touch at all, before any bulk action on them. */
  guardTargets?: (ctx: AdminCtx, ids: string[]) => Promise<void>;
}

export function permissionFor(resource: Pick<AdminResource, "appLabel" | "model">, verb: Verb): PermissionKey {
  return `${resource.appLabel}.${verb}_${resource.model}`;
}

export function can(user: Pick<CurrentUser, "permissions" | "is_superuser" | "is_staff">, resource: AdminResource, verb: Verb) {
  if (user.is_superuser) return true;
  if (!user.is_staff) return false;
  if (verb === "view" && resource.staffVisible) return true;
  // Django: change implies view in the admin.
  if (verb === "view" && user.permissions.has(permissionFor(resource, "change"))) return true;
  return user.permissions.has(permissionFor(resource, verb));
}
