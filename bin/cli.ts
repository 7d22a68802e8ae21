/**
 * The command line: migrate, worker, check, createsuperuser, task, config-docs.
 * Run as `npm run <command> -- [options]`, `npx allianceauth <command> [options]` (bin/allianceauth.ts)
 * or, compiled, `node build/index.js <command> [options]`.
 */
import "../app/modules/ops/undici.server"; // first: one undici for fetch and its dispatcher
import fs from "node:fs";
import { stdin, stdout } from "node:process";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { ConfigError, loadDotEnv, parseSettings, renderSettingsTable } from "../app/config.server";
import { DuplicateUsernameError, createSuperuser, superuserSchema } from "../app/modules/auth/users.server";
import { systemActor } from "../app/modules/audit/audit.server";
import { addJobNow } from "../app/modules/jobs/enqueue.server";
import { checkHealth } from "../app/modules/ops/health.server";
import { tuneHeap } from "../app/modules/ops/heap.server";
import { bootRuntime, StartupError } from "../app/modules/runtime.server";
import { buildCrontab, CrontabError, scheduleFor } from "../jobs/crontab";
import { allApps, unknownAppIds } from "../app/apps/registry.server";
import { runTask, TaskPayloadError, allTasks } from "../jobs/task-list";
import { startWorker } from "../jobs/worker";
import { connectToDemoEve } from "../app/modules/eve/demo.server";
import en from "../app/i18n/locales/en.json";
import { bootOrExit } from "./boot";
import { importCommand } from "./import-allianceauth";

const USAGE = `Usage: allianceauth <command>

  migrate                 apply database migrations and sync the permission catalogue
  worker                  run the job worker (graphile-worker) in this process
  check                   validate configuration and connectivity; one line per problem
  createsuperuser         create a superuser (interactive, or --username --email --password / --no-input)
  task list               list the tasks
  task run <name> [json]  run a task now, in this process
  task enqueue <name> [json] [--priority N]  add a task to the job queue
  config-docs [--write]   print the configuration reference (Markdown), or update README.md
  import-allianceauth --from URL [--dry-run] [--batch-size N] [--report FILE]
                          import an Alliance Auth 3.x/4.x database (mysql:// or postgres://)`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** English text of an i18n key used in validation messages. */
function english(key: string): string {
  const value = key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), en);
  return typeof value === "string" ? value : key;
}

async function migrate() {
  const runtime = await bootOrExit({ migrate: true });
  console.log("migrations applied; permission catalogue synced");
  await runtime.stop();
}

async function worker() {
  tuneHeap();
  const runtime = await bootOrExit({ migrate: true });
  // Demo mode: the fake EVE runs in the web process; reach it from here too.
  if (runtime.settings.demoMode) connectToDemoEve(runtime.settings);
  const handle = await startWorker(runtime);
  const stop = async () => {
    await handle.stop();
    await runtime.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

async function check() {
  const problems: string[] = [];
  let settings;
  try {
    loadDotEnv();
    settings = parseSettings();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of error.problems) console.error(`problem: ${p}`);
    process.exit(1);
  }
  try {
    buildCrontab(settings.CRONTAB_OVERRIDES, settings.CRONTAB_EXTRA, Object.keys(allTasks()), scheduleFor(settings));
  } catch (error) {
    if (error instanceof CrontabError) problems.push(error.message);
    else throw error;
  }
  const unknownApps = unknownAppIds(settings);
  if (unknownApps.length) problems.push(`APPS_DISABLED/APPS_ENABLED: no app is called ${unknownApps.map((id) => `"${id}"`).join(", ")} (known: ${allApps().map((a) => a.id).join(", ")})`);
  try {
    const runtime = await bootRuntime(settings, { migrate: false });
    const health = await checkHealth(runtime);
    if (!health.database.ok) problems.push(`DATABASE_URL: cannot reach the database: ${health.database.error ?? "no answer"}`);
    if (!health.queue.ok) problems.push(`QUEUE_DATABASE_URL: queue not ready (${health.queue.error ?? "unreachable"}); run \`npm run migrate\``);
    else if (!health.worker.ok) console.log("note: no worker heartbeat in the last minute (start the site or `npm run worker`)");
    await runtime.stop();
  } catch (error) {
    problems.push(error instanceof StartupError ? error.message : `database: ${(error as Error).message.split("\n")[0]}`);
  }
  if (problems.length) {
    for (const p of problems) console.error(`problem: ${p}`);
    process.exit(1);
  }
  console.log("ok: configuration valid, database and queue reachable");
}

async function createsuperuser(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { username: { type: "string" }, email: { type: "string" }, password: { type: "string" }, "no-input": { type: "boolean" } },
  });
  const noInput = values["no-input"] || !stdin.isTTY;
  let username = values.username ?? process.env.ALLIANCEAUTH_SUPERUSER_USERNAME;
  let email = values.email ?? process.env.ALLIANCEAUTH_SUPERUSER_EMAIL ?? "";
  let password = values.password ?? process.env.ALLIANCEAUTH_SUPERUSER_PASSWORD;
  if (noInput) {
    if (!username || !password) fail("createsuperuser: --username and --password (or ALLIANCEAUTH_SUPERUSER_USERNAME / _PASSWORD) are required without a terminal");
  } else {
    const rl = createInterface({ input: stdin, output: stdout });
    username ??= (await rl.question("Username: ")).trim();
    if (!values.email) email = (await rl.question("Email (optional): ")).trim();
    if (!password) {
      password = await askHidden(rl, "Password: ");
      const again = await askHidden(rl, "Password (again): ");
      if (password !== again) fail(`createsuperuser: ${english("errors.passwordsDiffer")}`);
    }
    rl.close();
  }
  const parsed = superuserSchema.safeParse({ username, email, password });
  if (!parsed.success) fail(parsed.error.issues.map((i) => `createsuperuser: ${String(i.path[0])}: ${english(i.message)}`).join("\n"));
  const runtime = await bootOrExit({ migrate: true });
  try {
    const user = await createSuperuser(runtime.db, parsed.data, systemActor("createsuperuser"));
    console.log(`superuser "${user.username}" created (id ${user.id})`);
  } catch (error) {
    if (error instanceof DuplicateUsernameError) {
      await runtime.stop();
      fail(`createsuperuser: username: ${english("errors.usernameTaken")}`);
    }
    throw error;
  }
  await runtime.stop();
}

async function askHidden(rl: ReturnType<typeof createInterface>, prompt: string): Promise<string> {
  const output = rl as unknown as { _writeToOutput?: (s: string) => void };
  const original = output._writeToOutput;
  stdout.write(prompt);
  output._writeToOutput = () => {}; // do not echo the password
  try {
    return await rl.question("");
  } finally {
    output._writeToOutput = original;
    stdout.write("\n");
  }
}

function parsePayload(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch {
    fail(`task: payload is not valid JSON: ${text}`);
  }
}

async function task(argv: string[]) {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { priority: { type: "string" } } });
  const [sub, name, json] = positionals;
  if (sub === "list") {
    for (const [taskName, def] of Object.entries(allTasks())) console.log(`${taskName.padEnd(44)} ${def.description}`);
    return;
  }
  if ((sub !== "run" && sub !== "enqueue") || !name) fail(USAGE);
  if (!allTasks()[name]) fail(`task: unknown task "${name}" (see \`npm run task -- list\`)`);
  const payload = parsePayload(json);
  const runtime = await bootOrExit({ migrate: true });
  try {
    if (sub === "run") {
      console.log(`running ${name} ...`);
      const started = Date.now();
      const result = await runTask(name, payload);
      console.log(`done in ${Date.now() - started} ms: ${JSON.stringify(result ?? null)}`);
    } else {
      const priority = values.priority === undefined ? undefined : Number(values.priority);
      const id = await addJobNow(runtime.queuePool, name, payload, { priority });
      console.log(`queued ${name} as job ${id}`);
    }
  } catch (error) {
    await runtime.stop();
    if (error instanceof TaskPayloadError) fail(`task: ${error.message}`);
    fail(`task: ${name} failed: ${(error as Error).message}`);
  }
  await runtime.stop();
}

const README_START = "<!-- config:start -->";
const README_END = "<!-- config:end -->";

/** Prints the configuration reference; with --write, replaces it in README.md. */
function configDocs(argv: string[]) {
  const table = renderSettingsTable();
  if (!argv.includes("--write")) {
    console.log(table);
    return;
  }
  const readme = fs.readFileSync("README.md", "utf8");
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) fail(`config-docs: README.md has no ${README_START} … ${README_END} section`);
  fs.writeFileSync("README.md", `${readme.slice(0, start + README_START.length)}\n${table}\n${readme.slice(end)}`);
  console.log("README.md configuration reference updated");
}

export async function cli(argv: string[]) {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "migrate":
        await migrate();
        break;
      case "worker":
        await worker();
        break;
      case "check":
        await check();
        break;
      case "createsuperuser":
        await createsuperuser(rest);
        break;
      case "task":
        await task(rest);
        break;
      case "config-docs":
        configDocs(rest);
        break;
      case "import-allianceauth":
        await importCommand(rest);
        break;
      default:
        console.log(USAGE);
        process.exit(command ? 1 : 0);
    }
  } catch (error) {
    if (error instanceof ZodError) fail(error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
    fail(`${command}: ${(error as Error).message}`);
  }
}
