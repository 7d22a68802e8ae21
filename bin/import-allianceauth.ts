/** `import-allianceauth --from URL [--dry-run] [--batch-size N] [--report FILE]`: progress on stderr, report on stdout. */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { SecretBox } from "../app/modules/auth/secrets.server";
import { importAllianceAuth } from "../app/modules/import/importer.server";
import { reportLines } from "../app/modules/import/report";
import { SourceError } from "../app/modules/import/source.server";
import { bootOrExit } from "./boot";

export async function importCommand(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { from: { type: "string" }, "dry-run": { type: "boolean" }, "batch-size": { type: "string" }, report: { type: "string" } },
  });
  if (!values.from) {
    console.error("import-allianceauth: --from mysql://user:password@host/db (or postgres://...) is required");
    process.exit(1);
  }
  const batchSize = values["batch-size"] ? Number(values["batch-size"]) : undefined;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    console.error("import-allianceauth: --batch-size must be a positive integer");
    process.exit(1);
  }
  const runtime = await bootOrExit({ migrate: true });
  const tty = process.stderr.isTTY;
  try {
    const report = await importAllianceAuth(runtime.db, {
      from: values.from,
      dryRun: values["dry-run"],
      batchSize,
      box: SecretBox.fromSettings(runtime.settings),
      progress(table, done, total) {
        const width = 30;
        const filled = total ? Math.round((done / total) * width) : width;
        const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${table} ${done}/${total}`;
        if (tty) process.stderr.write(`\r${line.padEnd(100)}${done >= total ? "\n" : ""}`);
        else if (done >= total) process.stderr.write(`${line}\n`);
      },
    });
    console.log(reportLines(report).join("\n"));
    if (values.report) fs.writeFileSync(values.report, JSON.stringify(report, null, 2));
  } catch (error) {
    if (error instanceof SourceError) {
      console.error(`import-allianceauth: ${error.message}`);
      await runtime.stop();
      process.exit(1);
    }
    throw error;
  } finally {
    await runtime.stop().catch(() => {});
  }
}
