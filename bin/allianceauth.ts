#!/usr/bin/env -S npx tsx
/** The command line from the TypeScript sources (see cli.ts); production runs `node build/index.js <command>`. */
import { cli } from "./cli";

await cli(process.argv.slice(2));
