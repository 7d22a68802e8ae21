/** The state editor's choices: permissions and the factions of New Eden. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { EveProvider } from "../eve/entities.server";

/** Every faction (ESI's list when it answers, else the stored ones) and every permission. */
export async function editorChoices(
  db: Kysely<DB>,
  provider: EveProvider | null
) {
  const [stored, permissions] = await Promise.all([
    db
      .selectFrom("eve_factions")
      .select(["faction_id", "faction_name"])
      .orderBy("faction_name")
      .execute(),
    db
      .selectFrom("permissions")
      .select(["id", "app_label", "codename", "name"])
      .orderBy("app_label")
      .orderBy("codename")
      .execute(),
  ]);
  let factions = stored.map((f) => ({
    value: String(f.faction_id),
    label: f.faction_name,
  }));
  if (provider) {
    try {
      const all = await provider.allFactions();
      factions = all
        .map((f) => ({ value: String(f.faction_id), label: f.name }))
        .sort((a, b) => a.label.localeCompare(b.label));
    } catch {
      // ESI unreachable: the stored factions are what can be offered.
    }
  }
  return { factions, permissions };
}
