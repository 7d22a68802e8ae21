/** Process memory and process trees from Linux /proc. */
import fs from "node:fs";
import type { MemorySnapshot } from "./types";

const KB_PER_MB = 1024;

/** A `Name:   1234 kB` field of /proc/<pid>/status or smaps_rollup, in kB; null when missing. */
function readKbField(file: string, field: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return null; // the process has gone, or we may not read it
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
  return match ? Number(match[1]) : null;
}

export function statusKb(pid: number, field: "VmHWM" | "VmRSS"): number | null {
  return readKbField(`/proc/${pid}/status`, field);
}

/**
 * The fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses):
 * state(0) ppid(1) … utime(11) stime(12); null once the process has gone.
 */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function parentPid(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : null;
}

/** Every process below `root` (children, grandchildren, …). */
export function descendants(root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentPid(pid);
    if (ppid === null) continue;
    const siblings = byParent.get(ppid) ?? [];
    siblings.push(pid);
    byParent.set(ppid, siblings);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU milliseconds of a process; 0 once it has gone. */
function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND : 0;
}

/** The CPU milliseconds of the web server: its process and its HTTP children (WEB_CONCURRENCY > 1). */
export function serverCpuMs(pid: number): number {
  let total = processCpuMs(pid);
  for (const child of descendants(pid)) if (isNodeProcess(child)) total += processCpuMs(child);
  return total;
}

/** The whole machine's CPU time from /proc/stat, in milliseconds summed over its CPUs: busy and in all. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal …
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = ticks[3]! + ticks[4]!;
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { busy: ((total - idle) * 1000) / CLOCK_TICKS_PER_SECOND, total: (total * 1000) / CLOCK_TICKS_PER_SECOND };
}

function isNodeProcess(pid: number) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "node";
  } catch {
    return false;
  }
}

/**
 * Memory of the server and of its children. Children are summed by PSS, not RSS: the PostgreSQL
 * backends share their buffer pool, and adding up RSS would count it once per backend.
 */
export function memorySnapshot(pid: number): MemorySnapshot {
  const peak = statusKb(pid, "VmHWM");
  const rss = statusKb(pid, "VmRSS");
  if (peak === null || rss === null) throw new Error(`cannot read /proc/${pid}/status (has the server exited?)`);
  const children = descendants(pid);
  // With WEB_CONCURRENCY > 1 the HTTP processes are node children of the server: count them as server.
  const httpChildren = children.filter(isNodeProcess);
  const others = children.filter((c) => !httpChildren.includes(c));
  let childrenKb = 0;
  for (const child of others) childrenKb += readKbField(`/proc/${child}/smaps_rollup`, "Pss") ?? statusKb(child, "VmRSS") ?? 0;
  let httpPeakKb = 0;
  let httpRssKb = 0;
  for (const child of httpChildren) {
    httpPeakKb += statusKb(child, "VmHWM") ?? 0;
    httpRssKb += statusKb(child, "VmRSS") ?? 0;
  }
  return { peakRssMb: (peak + httpPeakKb) / KB_PER_MB, rssMb: (rss + httpRssKb) / KB_PER_MB, childrenPssMb: childrenKb / KB_PER_MB, childCount: others.length };
}
