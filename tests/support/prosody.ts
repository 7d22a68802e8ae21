/**
 * Debian's prosody for the broadcast tests, in a scratch directory with its own config: c2s on a
 * given port (plain TCP, SCRAM/PLAIN allowed), no s2s, no HTTP, and the broadcast component from
 * tests/fixtures/prosody. Available when the binary is there and the CI's TEST_* variables are set
 * (the newcomer path skips with a message).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const PROSODY_BIN = "/usr/bin/prosody";
export const PROSODYCTL_BIN = "/usr/bin/prosodyctl";

export function prosodySkipReason(): string | null {
  if (!fs.existsSync(PROSODY_BIN)) return "prosody is not installed (apt-get install prosody; .ci/run does it)";
  if (!process.env.TEST_DATABASE_URL && process.env.TEST_PROSODY !== "1") return "TEST_DATABASE_URL (or TEST_PROSODY=1) is not set";
  return null;
}

export interface Prosody {
  dir: string;
  domain: string;
  port: number;
  register(user: string, password: string): Promise<void>;
  /** Writes the broadcast groups (group → member usernames). */
  setGroups(groups: Record<string, string[]>): void;
  stop(): Promise<void>;
}

function waitForPort(port: number, timeoutMs: number, proc: ChildProcess, log: string) {
  const until = Date.now() + timeoutMs;
  return new Promise<void>((resolve, reject) => {
    const attempt = () => {
      if (proc.exitCode !== null) return reject(new Error(`prosody exited: ${fs.existsSync(log) ? fs.readFileSync(log, "utf8").slice(-2000) : ""}`));
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > until) reject(new Error(`prosody did not listen on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/**
 * `selfSignedTls`: c2s requires STARTTLS with a certificate made here by openssl (self-signed, so a
 * verifying client refuses it).
 */
export async function startProsody(options: { port: number; domain?: string; broadcastService?: string; allowedSenders: string[]; selfSignedTls?: boolean }): Promise<Prosody> {
  const domain = options.domain ?? "localhost";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-prosody-"));
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  const log = path.join(dir, "prosody.log");
  const groupsFile = path.join(dir, "groups.txt");
  fs.writeFileSync(groupsFile, "");
  const config = path.join(dir, "prosody.cfg.lua");
  const lua = (s: string) => JSON.stringify(s);
  const [cert, key] = [path.join(dir, "cert.pem"), path.join(dir, "key.pem")];
  if (options.selfSignedTls) await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${domain}`]);
  fs.writeFileSync(
    config,
    [
      `run_as_root = true`,
      `data_path = ${lua(data)}`,
      `plugin_paths = { ${lua(path.resolve("tests/fixtures/prosody"))} }`,
      `modules_enabled = { "roster", "saslauth", "disco", "ping", "presence"${options.selfSignedTls ? `, "tls"` : ""} }`,
      `modules_disabled = { "s2s", "offline", "c2s_bidi", "http", "admin_shell" }`,
      `c2s_ports = { ${options.port} }`,
      `c2s_interfaces = { "127.0.0.1" }`,
      `s2s_ports = { }`,
      `http_ports = { }`,
      `https_ports = { }`,
      `c2s_require_encryption = ${options.selfSignedTls ? "true" : "false"}`,
      ...(options.selfSignedTls ? [`ssl = { certificate = ${lua(cert)}, key = ${lua(key)} }`] : []),
      `allow_unencrypted_plain_auth = true`,
      // @xmpp/client refuses PLAIN without TLS, and its SCRAM key derivation (one WebCrypto call per
      // iteration) takes seconds at prosody's default 10,000: the RFC's minimum keeps logins short.
      `default_iteration_count = 4096`,
      `authentication = "internal_hashed"`,
      `storage = "internal"`,
      `pidfile = ${lua(path.join(dir, "prosody.pid"))}`,
      `log = { { levels = { min = "info" }, to = "file", filename = ${lua(log)} } }`,
      `VirtualHost ${lua(domain)}`,
      `Component ${lua(`${options.broadcastService ?? "broadcast"}.${domain}`)} "broadcast_groups"`,
      `  broadcast_groups_file = ${lua(groupsFile)}`,
      `  broadcast_allowed_users = { ${options.allowedSenders.map(lua).join(", ")} }`,
      `  broadcast_user_host = ${lua(domain)}`,
      "",
    ].join("\n"),
  );
  const proc = spawn(PROSODY_BIN, ["--config", config, "-F"], { stdio: "ignore" });
  // Never outlive the test process, even when it crashes before stop().
  const killOnExit = () => proc.kill("SIGKILL");
  process.once("exit", killOnExit);
  await waitForPort(options.port, 15_000, proc, log);
  return {
    dir,
    domain,
    port: options.port,
    register: async (user, password) => {
      await run(PROSODYCTL_BIN, ["--config", config, "register", user, domain, password]);
    },
    setGroups: (groups) => fs.writeFileSync(groupsFile, Object.entries(groups).map(([g, members]) => `${g}: ${members.join(", ")}`).join("\n") + "\n"),
    stop: async () => {
      process.off("exit", killOnExit);
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.once("exit", resolve));
        proc.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (proc.exitCode === null) proc.kill("SIGKILL");
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
