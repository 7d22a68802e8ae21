/**
 * Demo mode's stand-ins for the EVE image server (issue 12, item 10): the fake world's ids have no
 * portraits or logos there, so each stored entity gets a square SVG with its initials on a colour
 * derived from its id. Unknown ids get a "?" (the image is decorative either way).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { IMAGE_CATEGORIES } from "./evelinks";

type Category = (typeof IMAGE_CATEGORIES)[number];

/**
 * The stored name of a character, corporation (or faction) or alliance, else the name a stored
 * character carries for it (corporations and alliances are stored only once refreshed); null when none.
 */
export async function entityName(db: Kysely<DB>, category: Category, id: number): Promise<string | null> {
  const name = (row: { name: string | null } | undefined) => row?.name ?? null;
  if (category === "characters") return name(await db.selectFrom("eve_characters").select("character_name as name").where("character_id", "=", id).executeTakeFirst());
  if (category === "alliances") {
    return (
      name(await db.selectFrom("eve_alliances").select("alliance_name as name").where("alliance_id", "=", id).executeTakeFirst()) ??
      name(await db.selectFrom("eve_characters").select("alliance_name as name").where("alliance_id", "=", id).limit(1).executeTakeFirst())
    );
  }
  if (category === "corporations") {
    return (
      name(await db.selectFrom("eve_corporations").select("corporation_name as name").where("corporation_id", "=", id).executeTakeFirst()) ??
      name(await db.selectFrom("eve_factions").select("faction_name as name").where("faction_id", "=", id).executeTakeFirst()) ??
      name(await db.selectFrom("eve_characters").select("corporation_name as name").where("corporation_id", "=", id).limit(1).executeTakeFirst())
    );
  }
  return null;
}

/** Up to two letters: the first of the first and of the last word ("Carys O'Daire" → "CO"). */
export function initials(name: string | null): string {
  const words = (name ?? "").split(/\s+/).filter((w) => /\p{L}|\p{N}/u.test(w));
  if (!words.length) return "?";
  const first = (w: string) => [...w].find((ch) => /\p{L}|\p{N}/u.test(ch))!.toUpperCase();
  return words.length === 1 ? first(words[0]) : first(words[0]) + first(words[words.length - 1]);
}

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The placeholder: initials in white on a dark hue from the id (contrast above 4.5:1 on every hue). */
export function placeholderSvg(id: number, name: string | null, category: Category): string {
  const hue = (id * 47) % 360;
  const radius = category === "characters" ? 0 : 12;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><rect width="64" height="64" rx="${radius}" fill="hsl(${hue} 45% 32%)"/><text x="32" y="33" fill="#fff" font-family="system-ui,sans-serif" font-size="24" font-weight="600" text-anchor="middle" dominant-baseline="middle">${escapeXml(initials(name))}</text></svg>`;
}
