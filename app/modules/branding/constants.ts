/** Branding values the browser needs too (the theme list, the kinds of images); see branding.server.ts. */
export const THEMES = ["light", "dark", "contrast", "amarr"] as const;
export type Theme = (typeof THEMES)[number];
export const isTheme = (value: unknown): value is Theme => typeof value === "string" && (THEMES as readonly string[]).includes(value);

export const ASSET_KINDS = ["logo", "favicon"] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
