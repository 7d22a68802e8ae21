import type { LanguageCode } from "~/i18n/languages";
import type { Theme } from "../branding/branding.server";
import { getRuntime } from "../runtime.server";

/** A user's own display preferences (not an admin action, so no audit row). */
export async function setUserPreference(userId: number, preference: { language?: LanguageCode; theme?: Theme | null }) {
  await getRuntime().db.updateTable("users").set(preference).where("id", "=", userId).execute();
}
