/**
 * Imports an Alliance Auth database: steps in dependency order, each read in batches keyed by source
 * id. A batch commits its rows together with their `import_map` entries, so a rerun skips what is
 * done and a run stopped at any point resumes. A dry run does the same work in one transaction and
 * rolls it back, so its report (counts, renames, dangling rows, unknown permissions) is exact.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { refreshStatistics } from "../../../db/dialect";
import type { SecretBox } from "../auth/secrets.server";
import { compareWithSource } from "./compare.server";
import { type Executor, IdMaps, type ImportReport, type Step, type StepContext } from "./context.server";
import { detectVersion } from "./detect.server";
import { openSource, redactSource, type Source } from "./source.server";
import { accessSteps, groupSteps } from "./steps-access.server";
import { identitySteps, insertReturningId } from "./steps-identity.server";
import { appSteps } from "./steps-apps.server";
import { hrAndCorpStatsSteps } from "./steps-apps-hr.server";
import { serviceSteps } from "./steps-services.server";

/** Dependency order: EVE entities, permissions and states before users; users before what they own; services and apps last. */
export const STEPS: Step[] = [
  ...identitySteps.slice(0, 4),
  ...accessSteps,
  ...identitySteps.slice(4),
  ...groupSteps,
  ...serviceSteps,
  ...appSteps,
  ...hrAndCorpStatsSteps,
];

/**
 * Tables read through another step (profiles with users, token scopes with tokens), Django's own
 * bookkeeping, and caches of a service's state that our sync reads from the service itself
 * (TeamSpeak's per-user server groups).
 */
const COVERED = new Set([
  "authentication_userprofile",
  "esi_token_scopes",
  "esi_scope",
  "django_content_type",
  "django_migrations",
  "django_session",
  "teamspeak3_usertsgroup",
  "teamspeak3_usertsgroup_ts_group",
]);

export interface ImportOptions {
  from: string;
  dryRun?: boolean;
  batchSize?: number;
  /** Stop after this many committed batches (a controlled interruption; the next run resumes). */
  maxBatches?: number;
  box: SecretBox;
  /** A run row created beforehand (the admin page's queued run); otherwise one is created. */
  runId?: number;
  /** After each batch: this table's rows read of its total, and all rows read of all tables'. */
  progress?: (table: string, done: number, total: number, overall: { done: number; total: number }) => void | Promise<void>;
}

class Stop extends Error {}
class Rollback extends Error {}

async function loadMaps(db: Executor): Promise<IdMaps> {
  const maps = new IdMaps();
  for (const row of await db.selectFrom("import_map").selectAll().execute()) maps.table(row.source_table).set(row.source_id, row.target_id);
  return maps;
}

function emptyReport(version: string, dryRun: boolean): ImportReport {
  return { version, dryRun, tables: {}, problems: [], unknownPermissions: [], notImported: {}, differences: [], stateRuleExceptions: [], stopped: false };
}

async function count(source: Source, table: string) {
  return Number((await source.query(`select count(*) as n from ${table}`))[0].n);
}

/** Runs every step; `write` is `db` (a transaction per batch) or the dry run's one transaction. */
async function runSteps(source: Source, db: Kysely<DB>, write: Executor, report: ImportReport, options: ImportOptions, hasTheme: boolean, tables: Set<string>) {
  const maps = await loadMaps(write);
  const batchSize = options.batchSize ?? 1000;
  let batches = 0;
  const unknown = new Set<string>();
  const steps = STEPS.filter((step) => tables.has(step.table));
  const totals = new Map<Step, number>();
  for (const step of steps) totals.set(step, await count(source, step.table));
  const overall = { done: 0, total: [...totals.values()].reduce((a, b) => a + b, 0) };
  for (const step of steps) {
    const key = step.key ?? "id";
    const total = totals.get(step)!;
    const before = overall.done;
    const done = maps.table(step.table);
    const entry = (report.tables[step.table] = { source: total, alreadyImported: 0, imported: 0, skipped: 0 });
    const select = step.select?.({ hasTheme }) ?? `select t.* from ${step.table} t`;
    let after: unknown = -1;
    let seen = 0;
    for (;;) {
      const rows = await source.query(`${select} where t.${key} > ? order by t.${key} limit ${batchSize}`, [after]);
      if (rows.length === 0) break;
      after = rows[rows.length - 1][key];
      seen += rows.length;
      const todo = rows.filter((r) => !done.has(String(r[key])));
      entry.alreadyImported += rows.length - todo.length;
      if (todo.length) {
        const apply = async (trx: Executor) => {
          const pending: [string, string][] = [];
          const ctx: StepContext = {
            db: trx,
            source,
            maps,
            box: options.box,
            now: new Date(),
            hasTheme,
            batch: new Map(),
            problem: (table, id, reason) => report.problems.push({ table, id: String(id), reason }),
            unknownPermission: (k) => unknown.add(k),
          };
          await step.prefetch?.(todo, ctx);
          for (const row of todo) {
            const target = await step.run(row, ctx);
            if (target === null) {
              entry.skipped++;
              continue;
            }
            pending.push([String(row[key]), target]);
            done.set(String(row[key]), target); // visible to later rows of the batch (self references)
          }
          for (let i = 0; i < pending.length; i += 500) {
            await trx
              .insertInto("import_map")
              .values(pending.slice(i, i + 500).map(([sourceId, targetId]) => ({ source_table: step.table, source_id: sourceId, target_id: targetId })))
              .execute();
          }
          entry.imported += pending.length;
          return pending;
        };
        if (write === db) await db.transaction().execute(apply);
        else await apply(write);
        batches++;
      }
      overall.done = before + Math.min(seen, total);
      await options.progress?.(step.table, seen, total, overall);
      if (options.maxBatches !== undefined && batches >= options.maxBatches) throw new Stop();
    }
  }
  report.unknownPermissions = [...unknown].sort();
}

export async function importAllianceAuth(db: Kysely<DB>, options: ImportOptions): Promise<ImportReport> {
  const source = await openSource(options.from);
  try {
    const version = await detectVersion(source);
    const report = emptyReport(`${version.series} (authentication ${version.authentication})`, Boolean(options.dryRun));
    const tables = await source.tables();
    const handled = new Set([...STEPS.map((s) => s.table), ...COVERED]);
    for (const table of [...tables].sort()) if (!handled.has(table)) report.notImported[table] = await count(source, table);
    const safeFrom = redactSource(options.from);
    const runId = options.runId ?? (await insertReturningId(db, "import_runs", { source: safeFrom.slice(0, 255), dry_run: report.dryRun, status: "running", started_at: new Date(), finished_at: null, report: null }));
    if (options.runId) await db.updateTable("import_runs").set({ status: "running" }).where("id", "=", runId).execute();
    const finish = async (status: "done" | "failed" | "stopped") => {
      await db.updateTable("import_runs").set({ status, finished_at: new Date(), report: JSON.stringify(report) }).where("id", "=", runId).execute();
    };
    try {
      if (options.dryRun) {
        await db
          .transaction()
          .execute(async (trx) => {
            await runSteps(source, db, trx, report, options, version.hasTheme, tables);
            throw new Rollback();
          })
          .catch((error) => {
            if (!(error instanceof Rollback)) throw error;
          });
      } else {
        await runSteps(source, db, db, report, options, version.hasTheme, tables);
        // The tables were just filled: plan what follows (the comparison, the site's first pages and
        // state checks) on their real sizes, not on autovacuum's schedule.
        await refreshStatistics(db);
        await compareWithSource(source, db, report);
      }
    } catch (error) {
      if (error instanceof Stop) {
        report.stopped = true;
        await finish("stopped");
        return report;
      }
      await finish("failed");
      throw error;
    }
    await finish("done");
    return report;
  } finally {
    await source.close();
  }
}
