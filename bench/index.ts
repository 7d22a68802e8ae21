/**
 * Every benchmark the harness runs, in order. Add a module here to have `npm run bench` run it;
 * keep `memory` last so its peak covers all load before it.
 */
import { adminList } from "./benchmarks/admin-list";
import { affiliation } from "./benchmarks/affiliation";
import { autogroups } from "./benchmarks/autogroups";
import { corpstats } from "./benchmarks/corpstats";
import { dashboardScale } from "./benchmarks/dashboard-scale";
import { discordReconcile } from "./benchmarks/discord";
import { phpbb3Sync } from "./benchmarks/forums";
import { teamspeak3Sync } from "./benchmarks/teamspeak3";
import { dashboard, healthz } from "./benchmarks/http";
import { importBench } from "./benchmarks/import";
import { memory } from "./benchmarks/memory";
import { mumbleSync } from "./benchmarks/mumble";
import { revocation } from "./benchmarks/revocation";
import { states } from "./benchmarks/states";
import type { Benchmark } from "./types";

export const benchmarks: Benchmark[] = [healthz, dashboard, affiliation, states, autogroups, corpstats, dashboardScale, adminList, discordReconcile, revocation, teamspeak3Sync, mumbleSync, phpbb3Sync, importBench, memory];
