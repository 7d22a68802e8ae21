/**
 * Input checks the HTTP layer runs once for every route, before any loader or action: the path and
 * query string must decode cleanly and hold no NUL byte, and a request body must be a form
 * (urlencoded or multipart) that parses, with no NUL byte in any field. Anything else is a 400 with
 * a reason the error page explains; the route never runs. Routes then read fields with
 * app/web/input.server.ts.
 */
export type InputRefusalReason = "badEncoding" | "nulByte" | "notAForm" | "badForm";

export const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

const NUL = "\u0000";

function decodes(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** Checks the path segments and the query string of a request target (`/a/b?x=1`). */
export function checkRequestTarget(target: string): InputRefusalReason | null {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  for (const segment of path.split("/")) {
    const decoded = decodes(segment);
    if (decoded === null) return "badEncoding";
    if (decoded.includes(NUL)) return "nulByte";
  }
  if (q < 0) return null;
  for (const pair of target.slice(q + 1).split("&")) {
    const decoded = decodes(pair.replace(/\+/g, " "));
    if (decoded === null) return "badEncoding";
    if (decoded.includes(NUL)) return "nulByte";
  }
  return null;
}

export function isFormType(contentType: string | null) {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return FORM_TYPES.includes(type);
}

export type BodyCheck = { ok: true; form: FormData | null } | { ok: false; reason: InputRefusalReason };

/** Parses a non-GET body once: empty, or a well-formed form without NUL bytes. */
export async function checkRequestBody(contentType: string | null, body: Buffer): Promise<BodyCheck> {
  if (body.length === 0) return { ok: true, form: null };
  if (!isFormType(contentType)) return { ok: false, reason: "notAForm" };
  let form: FormData;
  try {
    form = await new Request("http://localhost/", { method: "POST", headers: { "content-type": contentType! }, body: new Uint8Array(body) }).formData();
  } catch {
    return { ok: false, reason: "badForm" };
  }
  for (const [name, value] of form) {
    if (name.includes(NUL) || (typeof value === "string" && value.includes(NUL))) return { ok: false, reason: "nulByte" };
  }
  return { ok: true, form };
}
