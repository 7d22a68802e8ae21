/**
 * The one strict way routes read form fields and query parameters. The HTTP layer has already
 * refused NUL bytes, bad encodings and non-form bodies (app/web/edge-input.server.ts); these helpers
 * add shape: a wrong value throws a 400 whose reason names the field, before anything changes.
 */
import { json } from "@remix-run/node";
import { parseSignedInt } from "./params.server";

/** Throws the 400 the error page shows ("<field> is not valid"). */
export function badInput(field: string): never {
  throw json({ reason: "badInput", field }, { status: 400, statusText: "Bad Request" });
}

/** The request's form (an empty one for an empty body). */
export async function readForm(request: Request): Promise<FormData> {
  if (!request.body) return new FormData();
  try {
    return await request.formData();
  } catch {
    return badInput("body");
  }
}

type Source = FormData | URLSearchParams;

export function paramsOf(request: Request): URLSearchParams {
  return new URL(request.url).searchParams;
}

/** A text value: trimmed unless told otherwise, at most `max` characters, "" when absent; given twice (an array for a scalar) is a 400. */
export function readText(source: Source, name: string, options: { max?: number; trim?: boolean; required?: boolean } = {}): string {
  const all = source.getAll(name);
  if (all.length > 1) badInput(name);
  const raw = all.length ? all[0] : null;
  if (raw !== null && typeof raw !== "string") badInput(name);
  const value = options.trim === false ? (raw ?? "") : (raw ?? "").trim();
  if (value.length > (options.max ?? 1000) || (options.required && !value)) badInput(name);
  return value;
}

/** A whole number within [min, max] (written as `parseSignedInt` in params.server.ts wants), or null when absent or empty; anything else is a 400. */
export function readInt(source: Source, name: string, options: { min?: number; max?: number } = {}): number | null {
  const raw = readText(source, name, { max: 20 });
  if (raw === "") return null;
  const n = parseSignedInt(raw);
  if (n === null || n < (options.min ?? Number.MIN_SAFE_INTEGER) || n > (options.max ?? Number.MAX_SAFE_INTEGER)) badInput(name);
  return n;
}

/** One of a fixed set of values, or null when absent; anything else is a 400. */
export function readChoice<T extends string>(source: Source, name: string, choices: readonly T[]): T | null {
  const raw = readText(source, name, { max: 200 });
  if (raw === "") return null;
  if (!choices.includes(raw as T)) badInput(name);
  return raw as T;
}
