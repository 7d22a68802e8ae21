/** Printing figures and the summary, and writing bench/results/latest.json. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Figure, Metric } from "./types";

const RESULTS_DIR = path.join(import.meta.dirname, "results");

function formatMetric(metric: Metric): string {
  const digits = metric.digits ?? (metric.unit === "" ? 0 : 1);
  return `${metric.key}=${metric.value.toFixed(digits)}${metric.unit}`;
}

/** Figures print as they come, so the name column has a fixed width. */
const NAME_WIDTH = 14;

/** `healthz         req/s=5234  p50=1.20ms  p99=3.10ms  rss=180.0MB  (baseline: …)` */
export function formatFigure(figure: Figure): string {
  const parts = [figure.name.padEnd(NAME_WIDTH), ...figure.metrics.map(formatMetric)];
  if (figure.baseline) parts.push(`(${figure.baseline})`);
  return parts.join("  ");
}

export function formatSummary(figures: Figure[], info: { seconds: number; durationSeconds: number; connections: number }): string {
  const targets = figures.flatMap((figure) => figure.targets ?? []);
  const met = targets.filter((target) => target.met).length;
  const lines = [
    "",
    `summary: ${figures.length} figures in ${info.seconds.toFixed(0)} s (each load ${info.durationSeconds} s at c=${info.connections}); targets met: ${met}/${targets.length}`,
  ];
  for (const target of targets) lines.push(`  ${(target.met ? "MET" : "NOT MET").padEnd(8)} ${target.label}: ${target.detail}`);
  if (targets.length) lines.push("  (targets are informational and never change the exit code)");
  return lines.join("\n");
}

export interface ResultsFile {
  startedAt: string;
  finishedAt: string;
  settings: { durationSeconds: number; warmupSeconds: number; connections: number; database: "embedded" | "BENCH_DATABASE_URL" };
  /** os.loadavg() before and after: a busy machine explains low figures. */
  loadAverage: { start: number[]; end: number[] };
  figures: Figure[];
}

/** Writes the results with the machine they were taken on, so numbers are comparable later. */
export function writeResults(results: ResultsFile): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const cpus = os.cpus();
  const machine = { node: process.version, platform: `${os.platform()} ${os.release()}`, cpu: cpus[0]?.model ?? "unknown", cpuCount: cpus.length, memoryMb: Math.round(os.totalmem() / 2 ** 20) };
  const file = path.join(RESULTS_DIR, "latest.json");
  fs.writeFileSync(file, JSON.stringify({ ...results, machine }, null, 2) + "\n");
  return file;
}
