/** What every import step sees: the target executor, the source-id -> target-id maps, the report. */
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import type { SecretBox } from "../auth/secrets.server";
import type { Source, SourceRow } from "./source.server";

export type Executor = Kysely<DB> | Transaction<DB>;

export interface Problem {
  table: string;
  id: string;
  reason: string;
}

export interface TableReport {
  source: number;
  alreadyImported: number;
  imported: number;
  skipped: number;
}

export interface ImportReport {
  version: string;
  dryRun: boolean;
  tables: Record<string, TableReport>;
  /** Rows changed or dropped by a documented rule (renames, dangling references, truncations). */
  problems: Problem[];
  /** Source permissions this install does not declare: kept (grants preserved), listed here. */
  unknownPermissions: string[];
  /** Source tables of apps or services we have no target for yet, with their row counts. */
  notImported: Record<string, number>;
  /** Per-user differences between our evaluation and what the source implies. */
  differences: { username: string; field: string; ours: unknown; source: unknown }[];
  /** Users whose stored state differs from what our state rules give now (kept as stored). */
  stateRuleExceptions: { username: string; stored: string | null; rules: string | null }[];
  stopped: boolean;
}

/** Source id -> target id, per source table; committed entries only. */
export class IdMaps {
  private readonly maps = new Map<string, Map<string, string>>();

  table(name: string): Map<string, string> {
    let map = this.maps.get(name);
    if (!map) this.maps.set(name, (map = new Map()));
    return map;
  }

  get(table: string, id: unknown): string | undefined {
    return id === null || id === undefined ? undefined : this.table(table).get(String(id));
  }

  num(table: string, id: unknown): number | undefined {
    const value = this.get(table, id);
    return value === undefined ? undefined : Number(value);
  }
}

export interface StepContext {
  db: Executor;
  source: Source;
  maps: IdMaps;
  box: SecretBox;
  now: Date;
  hasTheme: boolean;
  problem(table: string, id: unknown, reason: string): void;
  unknownPermission(key: string): void;
  /** Batch-level data a step fetched in `prefetch`. */
  batch: Map<string, unknown>;
}

export interface Step {
  /** Source table; rows are read in batches ordered by `key`. */
  table: string;
  key?: string;
  /** The select list and joins, `from <table> t ...`; default `select t.* from <table> t`. */
  select?: (ctx: { hasTheme: boolean }) => string;
  /** Source tables that must exist for this step to run (optional apps may be missing). */
  optional?: boolean;
  prefetch?: (rows: SourceRow[], ctx: StepContext) => Promise<void>;
  /** Writes one row; returns the target id to remember, or null when the row is skipped (reported). */
  run(row: SourceRow, ctx: StepContext): Promise<string | null>;
}

export const bool = (value: unknown) => value === true || value === 1 || value === "1" || (Buffer.isBuffer(value) && value[0] === 1);
export const date = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));
export const int = (value: unknown) => (value === null || value === undefined ? null : Number(value));
