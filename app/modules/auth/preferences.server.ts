import type { LanguageCode } from "~/i18n/languages";
import { getRuntime } from "../runtime.server";

/** A user's own display preferences (not an admin action, so no audit row). */
export async function setUserPreference(userId: number, preference: { language?: LanguageCode; theme?: "light" | "dark" }) {
  await getRuntime().db.updateTable("users").set(preference).where("id", "=", userId).execute();
}
