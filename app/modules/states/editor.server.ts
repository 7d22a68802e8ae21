/** The state editor's form: parsing it, and the choices it offers. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import type { StateDefinition } from "./states.server";

/** "1, 2\n3" → [1, 2, 3]; anything that is not a whole positive number is reported. */
export function parseIdList(text: string): { ids: number[]; invalid: string[] } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const ids: number[] = [];
  const invalid: string[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (Number.isSafeInteger(n) && n > 0) ids.push(n);
    else invalid.push(part.slice(0, 20));
  }
  return { ids: [...new Set(ids)], invalid };
}

export function numbers(values: FormDataEntryValue[]): number[] {
  return values.map((v) => Number(v)).filter((n) => Number.isSafeInteger(n) && n > 0);
}

export interface EditorForm {
  definition: StateDefinition;
  errors: Record<string, string>;
}

/** Reads the form; permissions are kept as they were unless the editor may change them. */
export function readStateForm(form: FormData, current: StateDefinition | null, canChangePermissions: boolean): EditorForm {
  const errors: Record<string, string> = {};
  const name = String(form.get("name") ?? current?.name ?? "").trim();
  const priorityText = String(form.get("priority") ?? "").trim();
  const priority = Number(priorityText);
  if (!name) errors.name = "states.errors.nameRequired";
  else if (name.length > 32) errors.name = "states.errors.nameTooLong";
  if (!priorityText || !Number.isInteger(priority) || Math.abs(priority) > 1_000_000) errors.priority = "states.errors.priority";
  const characters = parseIdList(String(form.get("characterIds") ?? ""));
  if (characters.invalid.length) errors.characterIds = "states.errors.idList";
  return {
    definition: {
      name,
      priority: Number.isInteger(priority) ? priority : 0,
      public: form.get("public") === "on",
      permissionIds: canChangePermissions ? numbers(form.getAll("permissionIds")) : (current?.permissionIds ?? []),
      characterIds: characters.ids,
      corporationIds: numbers(form.getAll("corporationIds")),
      allianceIds: numbers(form.getAll("allianceIds")),
      factionIds: numbers(form.getAll("factionIds")),
    },
    errors,
  };
}

/** Known corporations, alliances, factions and permissions to pick from. */
export async function editorChoices(db: Kysely<DB>) {
  const [corporations, alliances, factions, permissions] = await Promise.all([
    db.selectFrom("eve_corporations").select(["corporation_id as id", "corporation_name as name", "corporation_ticker as ticker"]).orderBy("corporation_name").execute(),
    db.selectFrom("eve_alliances").select(["alliance_id as id", "alliance_name as name", "alliance_ticker as ticker"]).orderBy("alliance_name").execute(),
    db.selectFrom("eve_factions").select(["faction_id as id", "faction_name as name"]).orderBy("faction_name").execute(),
    db.selectFrom("permissions").select(["id", "app_label", "codename", "name"]).orderBy("app_label").orderBy("codename").execute(),
  ]);
  return { corporations, alliances, factions, permissions };
}
