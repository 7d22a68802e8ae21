/**
 * The embedded PostgreSQL's superuser password: generated per data dir and kept beside the cluster;
 * a cluster made with the old fixed password keeps starting with it. Connections go through the
 * server's Unix socket in its data folder.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../db/index.server";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "aa-embedded-pw-"));
fs.chmodSync(root, 0o755); // the server runs as user postgres when we are root
const dir = path.join(root, "data", "postgres");
const passwordFile = `${dir}.password`;
let handle: EmbeddedPostgresHandle | undefined;

afterAll(async () => {
  await handle?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

async function query(url: string, text: string) {
  const u = new URL(url);
  u.pathname = "/postgres";
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

function withPassword(url: string, password: string) {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe("embedded PostgreSQL password", { timeout: 120_000 }, () => {
  it("is generated for a new cluster, stored 0600 beside it, required, and reused on restart", async () => {
    handle = await startEmbeddedPostgres(dir);
    const password = fs.readFileSync(passwordFile, "utf8").trim();
    expect(password).toMatch(/^[\w-]{32}$/);
    expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(decodeURIComponent(new URL(handle.url).password)).toBe(password);
    expect(await query(handle.url, "select 1 as one")).toEqual([{ one: 1 }]);
    // Reached through its Unix socket in the data folder (a short path), which asks for the password too.
    const url = new URL(handle.url);
    expect(decodeURIComponent(url.hostname)).toBe(path.resolve(dir));
    expect(fs.statSync(path.join(dir, `.s.PGSQL.${url.port}`)).isSocket()).toBe(true);
    expect(await query(handle.url, "select inet_server_addr() as addr")).toEqual([{ addr: null }]);
    await expect(query(withPassword(handle.url, "embedded"), "select 1")).rejects.toMatchObject({ code: "28P01" });

    await handle.stop();
    handle = await startEmbeddedPostgres(dir);
    expect(decodeURIComponent(new URL(handle.url).password)).toBe(password);
    expect(await query(handle.url, "select 2 as two")).toEqual([{ two: 2 }]);
  });

  it("keeps the old fixed password for a cluster created before passwords were generated", async () => {
    // Make the cluster what the old code left behind: password `embedded`, no password file.
    await query(handle!.url, "alter role postgres password 'embedded'");
    await handle!.stop();
    fs.rmSync(passwordFile);
    handle = await startEmbeddedPostgres(dir);
    expect(new URL(handle.url).password).toBe("embedded");
    expect(await query(handle.url, "select 3 as three")).toEqual([{ three: 3 }]);
    expect(fs.existsSync(passwordFile)).toBe(false);
  });

  it("leaves the process's exit code alone (a failed test run must not exit 0)", () => {
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve("db/index.server.ts"))};
      const handle = await startEmbeddedPostgres(${JSON.stringify(path.join(root, "other"))});
      await handle.stop();
      process.exitCode = 3;`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 90_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
  });
});
