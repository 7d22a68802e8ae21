import type { LanguageCode } from "~/i18n/languages";
import type { Theme } from "../branding/branding.server";
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";

/** A user's own display preferences (not an admin action, so no audit row). */
export async function setUserPreference(db: Kysely<DB>, userId: number, preference: { language?: LanguageCode; theme?: Theme | null }) {
  await db.updateTable("users").set(preference).where("id", "=", userId).execute();
}
