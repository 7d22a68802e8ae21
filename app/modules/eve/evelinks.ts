/**
 * Image server and external-link helpers with the URL shapes of the original's `eveimageserver` and
 * `evelinks` modules, so links look the same to members.
 */
const IMAGE_SERVER = "https://images.evetech.net";
const SIZES = [32, 64, 128, 256, 512, 1024] as const;

export class ImageSizeError extends Error {}

function checkSize(size: number) {
  if (!SIZES.includes(size as (typeof SIZES)[number])) throw new ImageSizeError(`size must be a power of two from 32 to 1024, got ${size}`);
  return size;
}

export const IMAGE_CATEGORIES = ["characters", "corporations", "alliances", "types"] as const;
type Category = (typeof IMAGE_CATEGORIES)[number];

/** Where demo mode serves placeholders of the fake world's images (app/routes/demo-images.$kind.$id.ts). */
export const DEMO_IMAGE_PATH = "/demo-images";

/** An image server URL turned into the local placeholder's (demo mode); any other URL unchanged. */
export function demoImageUrl(src: string): string {
  const match = /^https:\/\/images\.evetech\.net\/(characters|corporations|alliances|types)\/(\d+)\//.exec(src);
  return match ? `${DEMO_IMAGE_PATH}/${match[1]}/${match[2]}` : src;
}

export function imageUrl(category: Category, id: number, variant: string, size = 32, tenant?: "tranquility" | "singularity") {
  const url = `${IMAGE_SERVER}/${category}/${id}/${variant}?size=${checkSize(size)}`;
  return tenant ? `${url}&tenant=${tenant}` : url;
}

export const characterPortraitUrl = (characterId: number, size = 32) => imageUrl("characters", characterId, "portrait", size);
export const corporationLogoUrl = (corporationId: number, size = 32) => imageUrl("corporations", corporationId, "logo", size);
export const allianceLogoUrl = (allianceId: number, size = 32) => imageUrl("alliances", allianceId, "logo", size);
/** NPC faction logos live under the corporation endpoint. */
export const factionLogoUrl = (factionId: number, size = 32) => imageUrl("corporations", factionId, "logo", size);
export const typeIconUrl = (typeId: number, size = 32) => imageUrl("types", typeId, "icon", size);
export const typeRenderUrl = (typeId: number, size = 32) => imageUrl("types", typeId, "render", size);

type EntityKind = "character" | "corporation" | "alliance";

/** evewho: no trailing slash. */
export const evewhoUrl = (kind: EntityKind, id: number) => `https://evewho.com/${kind}/${id}`;

/** zKillboard: with a trailing slash. */
export const zkillboardUrl = (kind: EntityKind | "region" | "system", id: number) => `https://zkillboard.com/${kind}/${id}/`;

/**
 * dotlan links by name, as the original: spaces become underscores, then UTF-8 percent-encoding of
 * everything but the unreserved characters (A-Z a-z 0-9 - . _ ~). encodeURIComponent alone would
 * leave ! ' ( ) * as they are.
 */
export function dotlanName(name: string) {
  return encodeURIComponent(name.replace(/ /g, "_")).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
export const dotlanAllianceUrl = (name: string) => `http://evemaps.dotlan.net/alliance/${dotlanName(name)}`;
export const dotlanCorporationUrl = (name: string) => `http://evemaps.dotlan.net/corp/${dotlanName(name)}`;
export const dotlanRegionUrl = (name: string) => `http://evemaps.dotlan.net/map/${dotlanName(name)}`;
export const dotlanSystemUrl = (name: string) => `http://evemaps.dotlan.net/system/${dotlanName(name)}`;
