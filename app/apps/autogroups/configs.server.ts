/**
 * Auto-group configs: saved and deleted with their consequences in one transaction (the original's
 * signals). Switching a kind off, or deleting the config, deletes its groups; changing how a kind
 * names its groups (prefix, source, spaces) deletes that kind's groups too, and the sync that
 * follows recreates them under the new names with the same members (the original would leave the
 * old groups behind, empty). Then every user is brought in line (states added or removed).
 */
import type { Kysely, Selectable } from "kysely";
import type { AutogroupsConfigsTable, DB } from "../../../db/schema";
import { type Actor, writeAudit } from "~/modules/audit/audit.server";
import { inTransaction } from "~/modules/groups/membership.server";
import { insertReturningId } from "~/modules/import/steps-identity.server";
import { KINDS, type Kind } from "./naming";
import { deleteManagedGroups, syncAutogroups } from "./sync.server";

export type AutogroupsConfig = Omit<Selectable<AutogroupsConfigsTable>, "id">;
export interface ConfigDefinition extends AutogroupsConfig {
  stateIds: number[];
}

export class AutogroupsConfigError extends Error {
  constructor(
    readonly field: string,
    readonly key: string,
  ) {
    super(key);
  }
}

/** The original's defaults. */
export const DEFAULT_CONFIG: ConfigDefinition = {
  stateIds: [],
  corp_groups: false,
  corp_group_prefix: "Corp ",
  corp_name_source: "name",
  alliance_groups: false,
  alliance_group_prefix: "Alliance ",
  alliance_name_source: "name",
  replace_spaces: false,
  replace_spaces_with: "",
};

export async function getConfig(db: Kysely<DB>, id: number): Promise<ConfigDefinition | null> {
  const row = await db.selectFrom("autogroups_configs").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const states = await db.selectFrom("autogroups_config_states").select("state_id").where("config_id", "=", id).orderBy("state_id").execute();
  const { id: _id, ...values } = row;
  return { ...values, stateIds: states.map((s) => s.state_id) };
}

/** Kinds whose groups must go: switched off, or named differently from now on. */
function kindsToDelete(before: ConfigDefinition, after: ConfigDefinition): Kind[] {
  const spacesChanged = before.replace_spaces !== after.replace_spaces || (after.replace_spaces && before.replace_spaces_with !== after.replace_spaces_with);
  return KINDS.filter((kind) => {
    const on = kind === "corp" ? "corp_groups" : "alliance_groups";
    if (!before[on]) return false;
    if (!after[on]) return true;
    const prefix = kind === "corp" ? "corp_group_prefix" : "alliance_group_prefix";
    const source = kind === "corp" ? "corp_name_source" : "alliance_name_source";
    return spacesChanged || before[prefix] !== after[prefix] || before[source] !== after[source];
  });
}

/** Creates (id null) or changes a config; returns its id. Unknown states are refused (nothing written). */
export async function saveConfig(db: Kysely<DB>, id: number | null, def: ConfigDefinition, actor: Actor): Promise<number> {
  return inTransaction(db, async (trx) => {
    const stateIds = [...new Set(def.stateIds)];
    if (stateIds.length) {
      const found = await trx.selectFrom("states").select("id").where("id", "in", stateIds).execute();
      if (found.length !== stateIds.length) throw new AutogroupsConfigError("stateIds", "autogroups.errors.unknownState");
    }
    const { stateIds: _s, ...values } = def;
    let configId = id;
    const before = id === null ? null : await getConfig(trx, id);
    if (id !== null && !before) throw new AutogroupsConfigError("_form", "autogroups.errors.notFound");
    if (configId === null) {
      configId = await insertReturningId(trx, "autogroups_configs", values);
    } else {
      await trx.updateTable("autogroups_configs").set(values).where("id", "=", configId).execute();
      await trx.deleteFrom("autogroups_config_states").where("config_id", "=", configId).execute();
    }
    if (stateIds.length) await trx.insertInto("autogroups_config_states").values(stateIds.map((state_id) => ({ config_id: configId!, state_id }))).execute();
    const after = { ...values, stateIds: stateIds.sort((a, b) => a - b) };
    await writeAudit(trx, actor, { action: before ? "autogroups.config_changed" : "autogroups.config_created", targetType: "autogroups_config", targetId: configId, before, after });
    if (before) await deleteManagedGroups(trx, configId, kindsToDelete(before, after), actor, "auto-group config changed");
    await syncAutogroups(trx, "all", actor, "auto-group config saved");
    return configId;
  });
}

/** Deletes a config and every group it alone manages. */
export async function deleteConfig(db: Kysely<DB>, id: number, actor: Actor) {
  await inTransaction(db, async (trx) => {
    const before = await getConfig(trx, id);
    if (!before) throw new AutogroupsConfigError("_form", "autogroups.errors.notFound");
    await deleteManagedGroups(trx, id, KINDS, actor, "auto-group config deleted");
    await trx.deleteFrom("autogroups_configs").where("id", "=", id).execute();
    await writeAudit(trx, actor, { action: "autogroups.config_deleted", targetType: "autogroups_config", targetId: id, before });
    await syncAutogroups(trx, "all", actor, "auto-group config deleted");
  });
}
