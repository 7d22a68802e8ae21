/**
 * Branding (issue 20): the admin's site name (over SITE_NAME), the site's default theme, the
 * uploaded logo and favicon, and custom CSS. Everything lives in the database (site_settings,
 * site_assets), so every process serves the same. Files are served under content-hashed names
 * (/branding/<kind>.<hash>.<ext>) with a year's cache; a change gives them a new name.
 *
 * Custom CSS is served as a same-origin stylesheet (the CSP's style-src 'self' holds) and refused
 * when it tries to leave its context: markup (`<`), `@import`, `javascript:`, `expression(`,
 * `behavior`/`-moz-binding`, remote `url(…)`, also when hidden behind CSS escapes or comments.
 * Uploads are checked by their bytes (PNG, JPEG, WebP, or an SVG without scripts, event handlers,
 * foreign objects or outside references), at most 256 KB; anything else is refused.
 */
import { createHash } from "node:crypto";
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { precompiled } from "../../../db/precompiled";
import { writeAudit, type Actor } from "../audit/audit.server";

import { ASSET_KINDS, isTheme, THEMES, type AssetKind, type Theme } from "./constants";

export { ASSET_KINDS, isTheme, THEMES, type AssetKind, type Theme };

export const MAX_ASSET_BYTES = 256 * 1024;
export const MAX_CSS_CHARS = 50_000;
export const MAX_SITE_NAME = 100;

export const BRANDING_AUDIT_TYPE = "branding";

const TYPES = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/svg+xml": "svg" } as const;
export type ImageType = keyof typeof TYPES;

export interface Branding {
  /** The admin's name, or null for SITE_NAME. */
  siteName: string | null;
  defaultTheme: Theme;
  /** The stylesheet's URL, or null when there is no custom CSS. */
  customCssUrl: string | null;
  logoUrl: string | null;
  faviconUrl: string | null;
}

const hash = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

export function assetUrl(kind: AssetKind, contentType: string, sha256: string) {
  return `/branding/${kind}.${sha256.slice(0, 16)}.${TYPES[contentType as ImageType] ?? "bin"}`;
}
export const cssUrl = (sha256: string) => `/branding/custom.${sha256.slice(0, 16)}.css`;

/** What every page needs: small values only (the CSS and the images are served on their own). */
/**
 * The same values as columns of another statement (the session's, so a member's page reads them
 * without a statement of their own): scalar subqueries, each read once per statement.
 */
export function brandingColumns(db: Kysely<DB> | Transaction<DB>) {
  const setting = (name: string) => db.selectFrom("site_settings").select("value").where("name", "=", name).$asScalar();
  const asset = (kind: AssetKind, column: "content_type" | "sha256") => db.selectFrom("site_assets").select(column).where("kind", "=", kind).$asScalar();
  return [
    setting("site_name").as("branding_site_name"),
    setting("default_theme").as("branding_default_theme"),
    setting("custom_css_hash").as("branding_css_hash"),
    asset("logo", "content_type").as("branding_logo_type"),
    asset("logo", "sha256").as("branding_logo_sha256"),
    asset("favicon", "content_type").as("branding_favicon_type"),
    asset("favicon", "sha256").as("branding_favicon_sha256"),
  ] as const;
}

export interface BrandingColumns {
  branding_site_name: string | null;
  branding_default_theme: string | null;
  branding_css_hash: string | null;
  branding_logo_type: string | null;
  branding_logo_sha256: string | null;
  branding_favicon_type: string | null;
  branding_favicon_sha256: string | null;
}

/** The branding read through brandingColumns. */
export function brandingFromColumns(row: BrandingColumns): Branding {
  return brandingOf({
    siteName: row.branding_site_name,
    theme: row.branding_default_theme,
    cssHash: row.branding_css_hash,
    logo: row.branding_logo_type && row.branding_logo_sha256 ? { contentType: row.branding_logo_type, sha256: row.branding_logo_sha256 } : null,
    favicon: row.branding_favicon_type && row.branding_favicon_sha256 ? { contentType: row.branding_favicon_type, sha256: row.branding_favicon_sha256 } : null,
  });
}

interface StoredAsset {
  contentType: string;
  sha256: string;
}

function brandingOf(stored: { siteName: string | null; theme: string | null; cssHash: string | null; logo: StoredAsset | null; favicon: StoredAsset | null }): Branding {
  return {
    siteName: stored.siteName || null,
    defaultTheme: isTheme(stored.theme) ? stored.theme : "light",
    customCssUrl: stored.cssHash ? cssUrl(stored.cssHash) : null,
    logoUrl: stored.logo ? assetUrl("logo", stored.logo.contentType, stored.logo.sha256) : null,
    faviconUrl: stored.favicon ? assetUrl("favicon", stored.favicon.contentType, stored.favicon.sha256) : null,
  };
}

/** Every page reads this (anonymous pages too): one statement, compiled once (db/precompiled.ts): the settings' rows, then the assets' rows. */
const brandingRows = precompiled((db, _p: Record<string, never>) =>
  db
    .selectFrom("site_settings")
    .select([sql<string>`'setting'`.as("source"), "name", "value", sql<string>`''`.as("detail")])
    .where("name", "in", ["site_name", "default_theme", "custom_css_hash"])
    .unionAll(db.selectFrom("site_assets").select([sql<string>`'asset'`.as("source"), "kind as name", "content_type as value", "sha256 as detail"])),
);

export async function loadBranding(db: Kysely<DB>): Promise<Branding> {
  const rows = await brandingRows.execute(db, {});
  const value = (name: string) => rows.find((r) => r.source === "setting" && r.name === name)?.value ?? null;
  const asset = (kind: AssetKind) => {
    const row = rows.find((r) => r.source === "asset" && r.name === kind);
    return row ? { contentType: row.value, sha256: row.detail } : null;
  };
  return brandingOf({ siteName: value("site_name"), theme: value("default_theme"), cssHash: value("custom_css_hash"), logo: asset("logo"), favicon: asset("favicon") });
}

async function putSetting(db: Kysely<DB> | Transaction<DB>, name: string, value: string | null, now: Date) {
  await db.deleteFrom("site_settings").where("name", "=", name).execute();
  if (value !== null) await db.insertInto("site_settings").values({ name, value, updated_at: now }).execute();
}

async function getSetting(db: Kysely<DB>, name: string) {
  return (await db.selectFrom("site_settings").select("value").where("name", "=", name).executeTakeFirst())?.value ?? null;
}

/** The site name and default theme as the admin form shows them, and the custom CSS. */
export async function brandingForForm(db: Kysely<DB>) {
  const branding = await loadBranding(db);
  return { siteName: branding.siteName ?? "", defaultTheme: branding.defaultTheme, customCss: (await getSetting(db, "custom_css")) ?? "", logoUrl: branding.logoUrl, faviconUrl: branding.faviconUrl };
}

export type BrandingError = "siteNameTooLong" | "badTheme" | "cssTooLong" | "cssMarkup" | "cssImport" | "cssScript" | "cssRemote" | "cssControl";

/** CSS as the browser reads it for the checks: comments out, escapes decoded, lower case. */
function cssAsRead(css: string) {
  return css
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, " ")
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_, hex: string) => {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
    })
    .replace(/\\(.)/gs, "$1")
    .toLowerCase();
}

/** Why this CSS is refused, or null when it may be served. */
export function checkCustomCss(css: string): BrandingError | null {
  if (css.length > MAX_CSS_CHARS) return "cssTooLong";
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(css)) return "cssControl";
  for (const text of [css.toLowerCase(), cssAsRead(css)]) {
    if (text.includes("<")) return "cssMarkup";
    if (text.includes("@import")) return "cssImport";
    if (/javascript:|vbscript:|expression\s*\(|behavior\s*:|-moz-binding|data:\s*text\/html/.test(text)) return "cssScript";
    for (const m of text.matchAll(/url\s*\(\s*(['"]?)([^)'"]*)/g)) {
      const target = m[2]!.trim();
      if (!(target.startsWith("/") && !target.startsWith("//")) && !target.startsWith("data:image/") && !target.startsWith("#")) return "cssRemote";
    }
  }
  return null;
}

export interface SettingsInput {
  siteName: string;
  defaultTheme: string;
  customCss: string;
}

/** Saves the site name, default theme and custom CSS (audited); the errors by field when refused. */
export async function saveBrandingSettings(db: Kysely<DB>, input: SettingsInput, actor: Actor, now = new Date()): Promise<{ ok: true } | { ok: false; errors: Record<string, BrandingError> }> {
  const errors: Record<string, BrandingError> = {};
  const siteName = input.siteName.trim();
  if (siteName.length > MAX_SITE_NAME) errors.siteName = "siteNameTooLong";
  if (!isTheme(input.defaultTheme)) errors.defaultTheme = "badTheme";
  const css = input.customCss.replace(/\r\n/g, "\n").trim();
  const cssError = checkCustomCss(css);
  if (cssError) errors.customCss = cssError;
  if (Object.keys(errors).length) return { ok: false, errors };
  const before = await brandingForForm(db);
  await db.transaction().execute(async (trx) => {
    await putSetting(trx, "site_name", siteName || null, now);
    await putSetting(trx, "default_theme", input.defaultTheme, now);
    await putSetting(trx, "custom_css", css || null, now);
    await putSetting(trx, "custom_css_hash", css ? hash(css) : null, now);
    await writeAudit(trx, actor, {
      action: "branding.changed",
      targetType: BRANDING_AUDIT_TYPE,
      targetId: "settings",
      before: { siteName: before.siteName, defaultTheme: before.defaultTheme, customCss: before.customCss },
      after: { siteName, defaultTheme: input.defaultTheme, customCss: css },
    });
  });
  return { ok: true };
}

/** The stored custom CSS when its hash starts with `prefix` (the URL's), else null. */
export async function customCss(db: Kysely<DB>, prefix: string): Promise<string | null> {
  const css = await getSetting(db, "custom_css");
  return css && hash(css).startsWith(prefix) ? css : null;
}

export type UploadError = "empty" | "tooLarge" | "badType" | "unsafeSvg";

/** The image type of these bytes (by their signature, not by what the browser claims), or null. */
export function sniffImage(data: Buffer): ImageType | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "image/jpeg";
  if (data.length >= 12 && data.subarray(0, 4).toString("latin1") === "RIFF" && data.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  const head = data.subarray(0, 1024).toString("utf8").replace(/^\ufeff/, "").trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(head)) return "image/svg+xml";
  return null;
}

/** True when an SVG is plain drawing: no scripts, handlers, foreign content, entities or outside references. */
export function svgIsSafe(text: string): boolean {
  const lower = text.toLowerCase();
  if (/<script|<foreignobject|<iframe|<embed|<object|<!doctype|<!entity|<\?xml-stylesheet|<style|@import/.test(lower)) return false;
  if (/\son[a-z]+\s*=/.test(lower)) return false;
  if (/javascript:|vbscript:|data:text\/html|expression\s*\(/.test(lower.replace(/&#x?[0-9a-f]+;?|\s+/g, ""))) return false;
  if (/&#/.test(lower)) return false;
  // href / xlink:href / src only to fragments of the same file.
  for (const m of lower.matchAll(/(?:href|src)\s*=\s*(["'])(.*?)\1/g)) if (!m[2]!.trim().startsWith("#")) return false;
  if (/url\s*\(\s*["']?(?!#)/.test(lower)) return false;
  return true;
}

/** Checks an upload; the type to serve it with, or why it is refused. */
export function checkUpload(data: Buffer): { ok: true; contentType: ImageType } | { ok: false; error: UploadError } {
  if (data.length === 0) return { ok: false, error: "empty" };
  if (data.length > MAX_ASSET_BYTES) return { ok: false, error: "tooLarge" };
  const type = sniffImage(data);
  if (!type) return { ok: false, error: "badType" };
  if (type === "image/svg+xml" && !svgIsSafe(data.toString("utf8"))) return { ok: false, error: "unsafeSvg" };
  return { ok: true, contentType: type };
}

/** Stores the logo or favicon (audited); the refusal when the file does not pass `checkUpload`. */
export async function saveAsset(db: Kysely<DB>, kind: AssetKind, data: Buffer, actor: Actor, now = new Date()): Promise<{ ok: true } | { ok: false; error: UploadError }> {
  const checkedUpload = checkUpload(data);
  if (!checkedUpload.ok) return checkedUpload;
  const sha256 = hash(data);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("site_assets").where("kind", "=", kind).execute();
    await trx.insertInto("site_assets").values({ kind, content_type: checkedUpload.contentType, data, sha256, updated_at: now }).execute();
    await writeAudit(trx, actor, { action: "branding.asset_uploaded", targetType: BRANDING_AUDIT_TYPE, targetId: kind, after: { contentType: checkedUpload.contentType, bytes: data.length, sha256 } });
  });
  return { ok: true };
}

export async function removeAsset(db: Kysely<DB>, kind: AssetKind, actor: Actor) {
  await db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom("site_assets").where("kind", "=", kind).executeTakeFirst();
    if (Number(gone.numDeletedRows) > 0) await writeAudit(trx, actor, { action: "branding.asset_removed", targetType: BRANDING_AUDIT_TYPE, targetId: kind });
  });
}

/** The stored file when its hash starts with `prefix` (the URL's), else null. */
export async function loadAsset(db: Kysely<DB>, kind: AssetKind, prefix: string) {
  const row = await db.selectFrom("site_assets").select(["content_type", "data", "sha256"]).where("kind", "=", kind).executeTakeFirst();
  if (!row || !row.sha256.startsWith(prefix)) return null;
  return { contentType: row.content_type, data: Buffer.from(row.data) };
}

