/** The generic machinery behind the /admin pages: access, form parsing, lists, CSV, history. */
import { type AppLoadContext, json } from "@remix-run/node";
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { containsPattern, lower } from "../../db/dialect";
import type { DB } from "../../db/schema";
import { actorFor, auditRefusal, type CurrentUser, forbidden, requireStaff } from "./guards.server";
import { getRuntime } from "../modules/runtime.server";
import { findAudit } from "../modules/audit/audit.server";
import { type AdminCtx, AdminForbidden, AdminInvalid, type AdminResource, can, type ColumnDef, type FieldDef, type FilterDef, permissionFor, type Values, type Verb } from "../modules/admin/registry.server";
import { adminResource } from "../modules/admin/resources/index.server";
import { pickedLabels, readPicked } from "./lookup.server";
import { MAX_EVE_ID, MAX_ROW_ID, parseId as plainId, parseSignedInt } from "./params.server";

export const PAGE_SIZE = 50;

const signedInt = (raw: string) => parseSignedInt(raw, MAX_EVE_ID);

export function notFound(): never {
  throw new Response("Not Found", { status: 404, statusText: "Not Found" });
}

/** Staff (or superuser), the resource exists, and the user holds `verb` on it. */
export async function requireAdmin(request: Request, context: AppLoadContext, key: string | undefined, verb: Verb) {
  const user = await requireStaff(request, context);
  const resource = adminResource(key);
  if (!resource) notFound();
  if (!can(user, resource, verb)) await forbidden(user, context, request, permissionFor(resource, verb));
  const ctx: AdminCtx = { db: getRuntime().db, user, actor: actorFor(user, context) };
  return { user, resource, ctx };
}

/**
 * Runs an operation; validation errors are returned (status 400). Staff-limit refusals get an audit
 * row and a 403: a bare 403 page, or with `inForm` an explanation beside the field the refusal
 * names (so the user keeps the edit), returned with status 403.
 */
export async function runGuarded<T>(
  request: Request,
  context: AppLoadContext,
  user: CurrentUser,
  fn: () => Promise<T>,
  options: { inForm?: boolean } = {},
): Promise<{ ok: true; value: T } | { ok: false; status: 400 | 403; errors: Record<string, string>; params?: Record<string, Record<string, string>> }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof AdminForbidden) {
      if (!options.inForm) return forbidden(user, context, request, error.required, error.detail);
      await auditRefusal(user, context, request, error.required, error.detail);
      const field = typeof error.detail.field === "string" ? error.detail.field : error.detail.groups ? "groupIds" : "_form";
      return { ok: false, status: 403, errors: { [field]: refusalMessage(error.required) } };
    }
    if (error instanceof AdminInvalid) return { ok: false, status: 400, errors: error.errors, params: error.params };
    throw error;
  }
}

/** What a refused change says in the form. */
function refusalMessage(required: string) {
  if (required === "is_superuser:restricted_group") return "admin.errors.restrictedGroup";
  if (required === "is_superuser:group_permissions") return "admin.errors.groupPermissions";
  return "admin.errors.superuserOnly";
}

export function parseId(resource: AdminResource, raw: string | undefined): string {
  if (!raw) notFound();
  if (resource.pk.kind === "number" && plainId(raw, resource.pk.eveId ? MAX_EVE_ID : MAX_ROW_ID) === null) notFound();
  if (raw.length > 200) notFound();
  return raw;
}

/** `requireAdmin`, then the object the URL names: 404 when the id is malformed or nothing has it. */
export async function requireAdminObject(request: Request, context: AppLoadContext, params: { resource?: string; id?: string }, verb: Verb) {
  const admin = await requireAdmin(request, context, params.resource, verb);
  const id = parseId(admin.resource, params.id);
  const current = await admin.resource.get(admin.ctx.db, id);
  if (!current) notFound();
  return { ...admin, id, current };
}

/** What each page of one object shows above its tabs (`useObjectHeading` in the page). */
export function objectHeading(resource: AdminResource, id: string, current: Values) {
  return { key: resource.key, id, title: resource.title(current), titleKey: resource.titleKey?.(current) ?? null };
}

/** Whether this user may delete this object (the delete tab is shown). */
export function canDeleteObject(user: CurrentUser, resource: AdminResource, current: Values) {
  return Boolean(resource.remove) && can(user, resource, "delete") && !resource.undeletable?.(current);
}

function toNumberList(values: FormDataEntryValue[], max: number): { ids: number[]; bad: boolean } {
  const parts = values.flatMap((v) => String(v).split(/[\s,;]+/)).filter(Boolean);
  const ids: number[] = [];
  let bad = false;
  for (const p of parts) {
    const n = plainId(p, max);
    if (n === null) bad = true;
    else ids.push(n);
  }
  return { ids: [...new Set(ids)], bad };
}

export function editableFields(resource: AdminResource, user: CurrentUser, mode: "create" | "change") {
  return (resource.fields ?? []).filter((f) => !f.readOnly && (mode === "create" || !f.createOnly)).map((f) => ({ ...f, locked: Boolean(f.superuserOnly && !user.is_superuser) }));
}

/** The editable fields as the form component needs them. */
export function formFields(resource: AdminResource, user: CurrentUser, mode: "create" | "change") {
  return editableFields(resource, user, mode).map(({ name, label, kind, locked, lookup }) => ({ name, label, kind, locked, lookup }));
}

/**
 * Reads the submitted form over the current values. A field counts as submitted when the form
 * lists it in `_fields` (rendered editable) or carries it at all (a crafted request). A locked
 * (superuser-only) field submitted with a different value is an escalation attempt: 403.
 */
export async function readForm(resource: AdminResource, user: CurrentUser, form: FormData, current: Values, mode: "create" | "change"): Promise<Values> {
  const shown = new Set(form.getAll("_fields").map(String));
  const values: Values = { ...current };
  const errors: Record<string, string> = {};
  const params: Record<string, Record<string, string>> = {};
  for (const field of editableFields(resource, user, mode)) {
    const submitted = shown.has(field.name) || form.has(field.name);
    if (!submitted) continue;
    let value: unknown;
    switch (field.kind) {
      case "checkbox":
        value = form.has(field.name) && form.get(field.name) !== "" && form.get(field.name) !== "off";
        break;
      case "number": {
        const text = String(form.get(field.name) ?? "");
        value = text === "" ? null : signedInt(text);
        if (value === null && text !== "") errors[field.name] = "admin.errors.number";
        break;
      }
      case "select": {
        const text = String(form.get(field.name) ?? "");
        value = text === "" ? null : plainId(text, field.eveIds ? MAX_EVE_ID : MAX_ROW_ID);
        if (value === null && text !== "") errors[field.name] = "admin.errors.choice";
        break;
      }
      case "multiselect":
      case "idlist": {
        if (field.lookup) {
          const picked = await readPicked(form, field.name, field.lookup);
          if (picked.error) {
            errors[field.name] = picked.error;
            params[field.name] = { names: picked.unresolved.join(", ") };
          }
          value = picked.ids;
          break;
        }
        const list = toNumberList(form.getAll(field.name), field.eveIds ? MAX_EVE_ID : MAX_ROW_ID);
        if (list.bad) errors[field.name] = "admin.errors.idList";
        value = list.ids;
        break;
      }
      default:
        value = field.keepSpaces ? String(form.get(field.name) ?? "") : String(form.get(field.name) ?? "").trim();
    }
    if (field.superuserOnly && !user.is_superuser && !sameValue(value, current[field.name])) {
      throw new AdminForbidden(`is_superuser:${resource.key}.${field.name}`, { field: field.name });
    }
    values[field.name] = value;
  }
  if (Object.keys(errors).length) throw new AdminInvalid(errors, params);
  if (resource.schema) {
    const parsed = resource.schema.safeParse(values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[0] ?? "_form");
        errors[name] ??= /^[a-z]+\.errors\./.test(issue.message) ? issue.message : "admin.errors.invalid";
      }
      throw new AdminInvalid(errors);
    }
    return { ...values, ...(parsed.data as Values) };
  }
  return values;
}

export function sameValue(a: unknown, b: unknown) {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = [...((a as unknown[]) ?? [])].map(String).sort();
    const y = [...((b as unknown[]) ?? [])].map(String).sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (typeof a === "boolean" || typeof b === "boolean") return Boolean(a) === Boolean(b);
  return (a ?? null) === (b ?? null) || String(a ?? "") === String(b ?? "");
}

/** The choices of each field; a lookup field's are the names of its chosen ids in `values`. */
export async function fieldOptions(ctx: AdminCtx, resource: AdminResource, id: string | null, values: Values = {}) {
  const out: Record<string, { value: string; label: string; locked?: boolean }[]> = {};
  for (const field of resource.fields ?? []) {
    if (field.lookup) out[field.name] = await pickedLabels(field.lookup, Array.isArray(values[field.name]) ? (values[field.name] as unknown[]).map(Number) : []);
    else if (field.options) out[field.name] = await field.options(ctx, id);
  }
  return out;
}

/**
 * The form as submitted, for the re-render after a refusal: text exactly as typed, ticks as
 * ticked, the well-formed chosen ids, and a lookup picker's typed list under `<name>__typed`.
 */
export function submittedValues(resource: AdminResource, user: CurrentUser, form: FormData, current: Values, mode: "create" | "change"): Values {
  const values: Values = { ...current };
  for (const field of editableFields(resource, user, mode)) {
    if (field.locked) continue;
    if (field.kind === "checkbox") values[field.name] = form.has(field.name) && form.get(field.name) !== "off";
    else if (field.kind === "multiselect" || field.kind === "idlist") {
      values[field.name] = toNumberList(form.getAll(field.name), field.eveIds ? MAX_EVE_ID : MAX_ROW_ID).ids;
      if (field.lookup) values[`${field.name}__typed`] = String(form.get(`${field.name}__typed`) ?? "").slice(0, 5000);
    } else if (field.kind === "password") values[field.name] = "";
    else values[field.name] = String(form.get(field.name) ?? "").slice(0, 5000);
  }
  return values;
}

// ---- Lists -----------------------------------------------------------------------------------

export interface ListParams {
  q: string;
  sort: string;
  dir: "asc" | "desc";
  after: string | null;
  filters: Record<string, string>;
}

export function listParams(resource: AdminResource, url: URL): ListParams {
  const sp = url.searchParams;
  const sortable = new Set(["id", ...resource.columns.filter((c) => c.sortable).map((c) => c.name)]);
  const sortRaw = sp.get("sort") ?? resource.defaultSort ?? "id";
  const filters: Record<string, string> = {};
  for (const f of resource.filters ?? []) {
    const v = sp.get(f.name);
    if (!v) continue;
    if (filterValue(f, v) === null) throw json({ reason: "adminFilter", filter: f.name }, { status: 400, statusText: `Bad Request: the filter "${f.name}" needs ${f.value === "flag" ? "1 or 0" : "a whole number id"}` });
    filters[f.name] = v;
  }
  return {
    q: (sp.get("q") ?? "").trim().slice(0, 100),
    sort: sortable.has(sortRaw) ? sortRaw : "id",
    dir: sp.get("dir") === "desc" ? "desc" : "asc",
    after: sp.get("after"),
    filters,
  };
}

/** The strictly parsed filter value, or null when the parameter is not one. */
function filterValue(filter: FilterDef, raw: string): number | boolean | null {
  if (filter.value === "flag") return raw === "1" ? true : raw === "0" ? false : null;
  return plainId(raw, filter.value === "eveId" ? MAX_EVE_ID : MAX_ROW_ID);
}

function sortExpr(resource: AdminResource, sort: string) {
  if (sort === "id") return { expr: resource.pk.expr, kind: resource.pk.kind as string };
  const column = resource.columns.find((c) => c.name === sort)!;
  return { expr: column.expr, kind: column.kind ?? "text" };
}

function decodeCursor(raw: string | null, kind: string, pk: AdminResource["pk"]): [unknown, string] | null {
  if (!raw || raw.length > 2000) return null;
  try {
    const [v, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as [unknown, string];
    if (typeof id !== "string" && typeof id !== "number") return null;
    if (pk.kind === "number" && plainId(String(id), pk.eveId ? MAX_EVE_ID : MAX_ROW_ID) === null) return null;
    if (kind === "number" && v !== null && !(typeof v === "number" ? Number.isSafeInteger(v) : typeof v === "string" && signedInt(v) !== null)) return null;
    if ((kind === "text" || kind === "date") && (typeof v !== "string" || v.length > 1000)) return v === null && kind === "text" ? [v, String(id)] : null;
    const value = kind === "date" && typeof v === "string" ? new Date(v) : kind === "bool" ? Boolean(v) : v;
    if (value instanceof Date && Number.isNaN(value.getTime())) return null;
    return [value, String(id)];
  } catch {
    return null;
  }
}

function encodeCursor(value: unknown, id: unknown) {
  const v = value instanceof Date ? value.toISOString() : typeof value === "boolean" ? (value ? 1 : 0) : value;
  return Buffer.from(JSON.stringify([v, String(id)]), "utf8").toString("base64url");
}

function filtered(ctx: AdminCtx, resource: AdminResource, params: ListParams) {
  let query = resource.listQuery(ctx.db);
  if (params.q && resource.search.length) {
    const pattern = containsPattern(params.q);
    query = query.where((eb: any) => eb.or(resource.search.map((expr) => eb(lower(expr), "like", pattern))));
  }
  for (const f of resource.filters ?? []) {
    const v = params.filters[f.name];
    const value = v ? filterValue(f, v) : null;
    if (value !== null) query = f.apply(query, value);
  }
  return query;
}

/** One page, keyset-paged on (sort column, primary key): the cost does not grow with the page number. */
export async function listPage(ctx: AdminCtx, resource: AdminResource, params: ListParams) {
  const { expr, kind } = sortExpr(resource, params.sort);
  let query = filtered(ctx, resource, params);
  const cursor = decodeCursor(params.after, kind, resource.pk);
  const pk = resource.pk.expr;
  const op = params.dir === "asc" ? ">" : "<";
  if (cursor) {
    const [value, id] = cursor;
    const idValue = resource.pk.kind === "number" ? Number(id) : id;
    query =
      expr === pk
        ? query.where(sql.ref(pk), op, idValue)
        : query.where((eb: any) => eb.or([eb(sql.ref(expr), op, value), eb.and([eb(sql.ref(expr), "=", value), eb(sql.ref(pk), op, idValue)])]));
  }
  query = query.orderBy(sql.ref(expr), params.dir);
  if (expr !== pk) query = query.orderBy(sql.ref(pk), params.dir);
  const rows: Values[] = await query.limit(PAGE_SIZE + 1).execute();
  const more = rows.length > PAGE_SIZE;
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  const sortName = params.sort === "id" ? "id" : params.sort;
  return { rows: page, next: more && last ? encodeCursor(last[sortName], last.id) : null };
}

export async function listAll(ctx: AdminCtx, resource: AdminResource, params: ListParams, limit = 100_000): Promise<Values[]> {
  const { expr } = sortExpr(resource, params.sort);
  return filtered(ctx, resource, params).orderBy(sql.ref(expr), params.dir).orderBy(sql.ref(resource.pk.expr), params.dir).limit(limit).execute();
}

export function csvCell(value: unknown) {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "boolean" ? (value ? "true" : "false") : String(value);
  // Neutralise spreadsheet formulas, quote always.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Display form of a cell value (booleans stay booleans). */
export function cell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  return String(value);
}

/** Each value in display form; lists (multiselect ids) stay lists. */
export function cells(values: Values) {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v : cell(v)]));
}

/** A list cell: the value, or `{ key }` for an i18n key to translate (fixed choices, an entry's own label). */
export function listCell(column: ColumnDef, row: Values): string | number | boolean | null | { key: string } {
  const value = cell(row[column.name]);
  if (column.translate && typeof value === "string") return { key: value };
  if (column.i18nFallback && (value === null || value === "") && row[column.i18nFallback]) return { key: String(row[column.i18nFallback]) };
  return value;
}

export async function objectHistory(db: Kysely<DB>, resource: AdminResource, id: string, current: Values | null) {
  const ids = resource.auditIds && current ? resource.auditIds(id, current) : [id];
  const rows = await findAudit(db, { targetType: resource.auditType, targetIds: ids, limit: 500 });
  return rows.map((r) => ({
    id: r.id,
    created_at: r.created_at.toISOString(),
    actor: r.actor,
    action: r.action,
    before: r.before_data,
    after: r.after_data,
    reason: r.reason,
  }));
}

export type { FieldDef };
