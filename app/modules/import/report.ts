/** The import report as plain text lines (CLI output; the admin page can show the same). */
import type { ImportReport } from "./context.server";

export function reportLines(report: ImportReport): string[] {
  const lines = [`Alliance Auth ${report.version}${report.dryRun ? " — dry run, nothing written" : ""}${report.stopped ? " — stopped early, run again to resume" : ""}`];
  lines.push("", "table: source rows / already imported / imported now / skipped");
  for (const [table, t] of Object.entries(report.tables)) lines.push(`  ${table}: ${t.source} / ${t.alreadyImported} / ${t.imported} / ${t.skipped}`);
  if (report.problems.length) {
    lines.push("", `rows changed or skipped by a rule (${report.problems.length}):`);
    for (const p of report.problems) lines.push(`  ${p.table} #${p.id}: ${p.reason}`);
  }
  if (report.unknownPermissions.length) lines.push("", `permissions this install does not declare (kept with their grants): ${report.unknownPermissions.join(", ")}`);
  const notImported = Object.entries(report.notImported).filter(([, n]) => n > 0);
  if (notImported.length) {
    lines.push("", "not imported yet (no target here; the source keeps them):");
    for (const [table, n] of notImported) lines.push(`  ${table}: ${n}`);
  }
  if (!report.dryRun && !report.stopped) {
    lines.push("", report.differences.length ? `differences from the source (${report.differences.length}):` : "every imported user's state, groups, permissions and main match the source");
    for (const d of report.differences) lines.push(`  ${d.username} ${d.field}: ours ${JSON.stringify(d.ours)}, source ${JSON.stringify(d.source)}`);
    for (const e of report.stateRuleExceptions) lines.push(`  note: ${e.username} is stored as ${e.stored}; our state rules would give ${e.rules} (kept as stored)`);
  }
  return lines;
}
