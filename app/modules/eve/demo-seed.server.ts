/**
 * Demo mode's first run: the demo world's alliances mapped to states, so that a demo visitor sees a
 * realistic site (Silent Meridian pilots are Members, Ashen Covenant pilots are Blue) instead of a
 * site of Guests. Runs only while the site has no user at all, so it never touches a real install,
 * and goes through the states module like an admin's edit (audited, re-evaluated set-based).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { systemActor } from "../audit/audit.server";
import { getStateDefinition, saveStateDefinition } from "../states/states.server";
import type { EveProvider } from "./entities.server";
import { ensureEntitiesStored } from "./lookup.server";

export interface DemoStateMapping {
  state: string;
  allianceIds: number[];
}

/** Returns the states it changed (empty when the site already has users, or nothing was missing). */
export async function seedDemoStates(db: Kysely<DB>, provider: EveProvider, mappings: readonly DemoStateMapping[]): Promise<string[]> {
  const anyUser = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (anyUser) return [];
  const actor = systemActor("demo-seed");
  const changed: string[] = [];
  for (const { state, allianceIds } of mappings) {
    const row = await db.selectFrom("states").select("id").where("name", "=", state).executeTakeFirst();
    if (!row) continue;
    const def = (await getStateDefinition(db, row.id))!;
    const missing = allianceIds.filter((id) => !def.allianceIds.includes(id));
    if (!missing.length) continue;
    const unknown = await ensureEntitiesStored(db, provider, "alliance", missing);
    const add = missing.filter((id) => !unknown.includes(id));
    if (!add.length) continue;
    const { id: _id, ...rest } = def;
    await saveStateDefinition(db, row.id, { ...rest, allianceIds: [...def.allianceIds, ...add] }, actor);
    changed.push(state);
  }
  return changed;
}
