/**
 * The one way to read an id from a URL or a form. An id is written in plain digits with no sign,
 * space, leading zero, exponent or radix prefix ("12", never " 12", "+12", "012", "1e3", "0x10"),
 * and fits its column: row ids are `integer` on both dialects, EVE ids are `bigint` (held exactly
 * up to 2^53 - 1). `parseId` answers null for anything else; `pathId` turns that into a 404 (the
 * page does not exist), `formId` and `formIds` into a 400 (the request is malformed).
 */
import { json } from "@remix-run/node";

/** The largest value of an `integer` column (our own row ids) on PostgreSQL and MySQL. */
export const MAX_ROW_ID = 2_147_483_647;
/** EVE character, corporation, alliance and faction ids (`bigint` columns). */
export const MAX_EVE_ID = Number.MAX_SAFE_INTEGER;

const DIGITS = /^[1-9][0-9]{0,15}$/;

/** A positive id in plain digits, at most `max`; null for anything else (absent, empty, a File …). */
export function parseId(raw: unknown, max: number = MAX_ROW_ID): number | null {
  if (typeof raw !== "string" || !DIGITS.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n <= max ? n : null;
}

/**
 * A whole number that may be zero or negative ("0", "-12"), written as strictly as an id (no
 * spaces, "+", leading zeros, exponents or radix prefixes); null for anything else.
 */
export function parseSignedInt(raw: unknown, max: number = Number.MAX_SAFE_INTEGER): number | null {
  if (raw === "0") return 0;
  if (typeof raw !== "string") return null;
  const negative = raw.startsWith("-");
  const n = parseId(negative ? raw.slice(1) : raw, max);
  return n === null ? null : negative ? -n : n;
}

/** A page number from a query string: 1 unless a valid one is given, never past `maxPage`. */
export function parsePage(raw: unknown, maxPage = 10_000): number {
  return Math.min(parseId(raw) ?? 1, maxPage);
}

export function notFound(): never {
  throw new Response("Not Found", { status: 404, statusText: "Not Found" });
}

export function badRequest(): never {
  throw json({ reason: "badRequest" }, { status: 400 });
}

/** An id from the URL: anything else is a page that does not exist. */
export function pathId(raw: string | undefined, max?: number): number {
  return parseId(raw, max) ?? notFound();
}

/** An id from a form field: anything else is a bad request. */
export function formId(raw: FormDataEntryValue | null, max?: number): number {
  return parseId(raw, max) ?? badRequest();
}

/** Every value of a repeated form field as ids (none is fine); one bad value is a bad request. */
export function formIds(form: FormData, name: string, max?: number): number[] {
  return form.getAll(name).map((raw) => formId(raw, max));
}

/**
 * A row button's value in a list that shares one form (`rowAction` in app/components/forms.tsx):
 * "read:12" is the intent (one of `intents`) and the row's id; anything else is a bad request.
 */
export function formRowAction<I extends string>(raw: FormDataEntryValue | null, intents: readonly I[]): { intent: I; id: number } {
  if (typeof raw !== "string") badRequest();
  const [intent, id = null, ...rest] = raw.split(":");
  if (rest.length > 0 || !intents.includes(intent as I)) badRequest();
  return { intent: intent as I, id: formId(id) };
}
