#!/usr/bin/env node
/**
 * Dependency audit for CI (docs/decisions/0012-ci-newcomer-path-and-recipe-checks.md):
 * `npm audit` over the lock file, reported as one line per vulnerable package.
 * Fails (exit 1) on a high or critical advisory in a production dependency; dev-only findings and
 * lower severities are reported and pass. When the registry's audit service cannot be reached
 * (our machines' registry answers 405 to its POST), it says so in one line and passes: an
 * unreachable service must not block every change.
 */
import { spawnSync } from "node:child_process";

const FAIL_LEVELS = new Set(["high", "critical"]);

function audit(omitDev) {
  const args = ["audit", "--json", ...(omitDev ? ["--omit=dev"] : [])];
  const run = spawnSync("npm", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    return { error: (run.stderr || run.error?.message || "no output").trim().split("\n").pop() };
  }
  if (!report.vulnerabilities) return { error: report.message ?? report.error?.summary ?? "unexpected answer" };
  return { vulnerabilities: report.vulnerabilities };
}

const all = audit(false);
if (all.error) {
  console.log(`[audit] not run: the registry's audit service is unavailable (${all.error})`);
  process.exit(0);
}
const prod = audit(true);
const prodNames = new Set(Object.keys(prod.vulnerabilities ?? {}));
const rows = Object.values(all.vulnerabilities).sort((a, b) => a.name.localeCompare(b.name));
for (const v of rows) {
  const titles = [...new Set(v.via.map((via) => (typeof via === "string" ? `via ${via}` : `${via.title} (${via.url ?? via.source})`)))];
  const fix = v.fixAvailable === true ? "fix: npm audit fix" : v.fixAvailable ? `fix: ${v.fixAvailable.name}@${v.fixAvailable.version}` : "no fix yet";
  console.log(`[audit] ${v.severity.padEnd(8)} ${prodNames.has(v.name) ? "prod" : "dev "} ${v.name} ${v.range}: ${titles.join("; ")} — ${fix}`);
}
const blocking = rows.filter((v) => prodNames.has(v.name) && FAIL_LEVELS.has(v.severity));
console.log(`[audit] ${rows.length} vulnerable packages (${prodNames.size} in production dependencies), ${blocking.length} high/critical in production`);
process.exit(blocking.length ? 1 : 0);
