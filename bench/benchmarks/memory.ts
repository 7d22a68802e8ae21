/**
 * Memory of the server process. Registered last: VmHWM is the peak since the server started, so
 * read after the load benchmarks it covers startup, migrations and every load run.
 */
import { ORIGINAL, TARGETS, versus } from "../baseline";
import type { Benchmark, Figure } from "../types";

export const memory: Benchmark = {
  name: "memory",
  async run(ctx) {
    const snapshot = ctx.memory();
    const figures: Figure[] = [
      {
        name: "server memory",
        metrics: [
          { key: "peak", value: snapshot.peakRssMb, unit: "MB" },
          { key: "rss", value: snapshot.rssMb, unit: "MB" },
        ],
        baseline: `web + embedded worker; peak ${versus(snapshot.peakRssMb, ORIGINAL.memoryMb, " MB")} (gunicorn, 3 workers); target ≤${TARGETS.memoryMb} MB`,
        targets: [
          {
            label: `harness server peak memory ≤ ${TARGETS.memoryMb} MB (under half the original's ${ORIGINAL.memoryMb} MB)`,
            met: snapshot.peakRssMb <= TARGETS.memoryMb,
            detail: `${snapshot.peakRssMb.toFixed(1)} MB, ${((100 * snapshot.peakRssMb) / ORIGINAL.memoryMb).toFixed(0)}% of the original`,
          },
        ],
      },
    ];
    // Not part of the target: the original's database is a separate server too. Absent with BENCH_DATABASE_URL.
    if (snapshot.childCount > 0) {
      figures.push({
        name: "db memory",
        metrics: [
          { key: "pss", value: snapshot.childrenPssMb, unit: "MB" },
          { key: "processes", value: snapshot.childCount, unit: "" },
        ],
        baseline: "embedded PostgreSQL children of the server; not counted in the target",
      });
    }
    return figures;
  },
};
