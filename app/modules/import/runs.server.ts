/**
 * Imports started from the admin page: the run is recorded (queued, audited, the source URL
 * encrypted with the SecretBox) and a job does the work, writing its progress to the run row after
 * each batch; the page shows that row. The CLI runs the same importer directly.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import { type Actor, writeAudit } from "../audit/audit.server";
import { SecretBox } from "../auth/secrets.server";
import { enqueue, PRIORITY } from "../jobs/enqueue.server";
import type { ImportReport } from "./context.server";
import { importAllianceAuth } from "./importer.server";
import { reportLines } from "./report";
import { redactSource, SourceError } from "./source.server";
import { insertReturningId } from "./steps-identity.server";

export const IMPORT_TASK = "allianceauth.import";

/** What the admin form submits; errors are i18n keys by field. */
export const importRequestSchema = z.object({
  from: z
    .string()
    .trim()
    .min(1, "admin.import.errors.fromRequired")
    .max(500, "admin.import.errors.fromInvalid")
    .refine((value) => /^(mysql|mariadb|postgres|postgresql):\/\/[^\s/]+\/[^\s/?#]+$/.test(value), "admin.import.errors.fromInvalid"),
  dryRun: z.boolean(),
});
export type ImportRequest = z.infer<typeof importRequestSchema>;

/** Records the run, audits it and queues the job, in one transaction; returns the run id. */
export async function startImport(db: Kysely<DB>, settings: Settings, request: ImportRequest, actor: Actor): Promise<number> {
  const box = SecretBox.fromSettings(settings);
  return db.transaction().execute(async (trx) => {
    const source = redactSource(request.from).slice(0, 255);
    const runId = await insertReturningId(trx, "import_runs", { source, dry_run: request.dryRun, status: "queued", started_at: new Date(), finished_at: null, report: null, source_secret: box.encrypt(request.from) });
    await writeAudit(trx, actor, { action: request.dryRun ? "import.dry_run" : "import.start", targetType: "import_run", targetId: runId, after: { source, dryRun: request.dryRun } });
    await enqueue(trx, IMPORT_TASK, { runId }, { jobKey: `${IMPORT_TASK}:${runId}`, priority: PRIORITY.bulk });
    return runId;
  });
}

/** The job: runs the import of a queued (or interrupted) run; a refusal (unreachable, wrong password, not AA) fails the run with its one line. */
export async function runImportJob(db: Kysely<DB>, settings: Settings, runId: number) {
  const run = await db.selectFrom("import_runs").select(["id", "status", "dry_run", "source_secret"]).where("id", "=", runId).executeTakeFirst();
  if (!run || !run.source_secret || (run.status !== "queued" && run.status !== "running")) return { skipped: true };
  const box = SecretBox.fromSettings(settings);
  const from = box.decrypt(run.source_secret);
  let last = 0;
  try {
    const report = await importAllianceAuth(db, {
      from,
      dryRun: run.dry_run,
      box,
      runId,
      progress: async (table, _done, _total, overall) => {
        // At most a write a second (and the last one): the page polls, the import should not wait on it.
        if (Date.now() - last < 1000 && overall.done < overall.total) return;
        last = Date.now();
        await db.updateTable("import_runs").set({ done: overall.done, total: overall.total, current_table: table.slice(0, 64) }).where("id", "=", runId).execute();
      },
    });
    return { status: report.stopped ? "stopped" : "done", differences: report.differences.length, problems: report.problems.length };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await db.updateTable("import_runs").set({ status: "failed", error: message, finished_at: new Date() }).where("id", "=", runId).execute();
    if (error instanceof SourceError) return { status: "failed", error: message };
    throw error;
  } finally {
    await db.updateTable("import_runs").set({ source_secret: null }).where("id", "=", runId).where("status", "!=", "running").execute();
  }
}

export interface ImportRunView {
  id: number;
  source: string;
  dryRun: boolean;
  status: "queued" | "running" | "done" | "failed" | "stopped";
  startedAt: string;
  finishedAt: string | null;
  done: number;
  total: number;
  currentTable: string | null;
  error: string | null;
}

function view(row: { id: number; source: string; dry_run: boolean; status: ImportRunView["status"]; started_at: Date; finished_at: Date | null; done: number; total: number; current_table: string | null; error: string | null }): ImportRunView {
  return {
    id: row.id,
    source: row.source,
    dryRun: Boolean(row.dry_run),
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    done: Number(row.done),
    total: Number(row.total),
    currentTable: row.current_table,
    error: row.error,
  };
}

const COLUMNS = ["id", "source", "dry_run", "status", "started_at", "finished_at", "done", "total", "current_table", "error"] as const;

export async function recentImportRuns(db: Kysely<DB>, limit = 20): Promise<ImportRunView[]> {
  return (await db.selectFrom("import_runs").select(COLUMNS).orderBy("id", "desc").limit(limit).execute()).map(view);
}

/** One run with its report as text lines (once finished). */
export async function importRun(db: Kysely<DB>, runId: number): Promise<(ImportRunView & { report: string[] | null }) | null> {
  const row = await db.selectFrom("import_runs").select([...COLUMNS, "report"]).where("id", "=", runId).executeTakeFirst();
  if (!row) return null;
  return { ...view(row), report: row.report ? reportLines(JSON.parse(row.report) as ImportReport) : null };
}
