/** A tiny browser stand-in for HTTP tests: a cookie jar, CSRF token extraction, form posts. */
import { execSync } from "node:child_process";
import fs from "node:fs";
import type http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createApp } from "~/web/http.server";
import type { Runtime } from "~/modules/runtime.server";

export async function loadBuild(): Promise<ServerBuild> {
  const file = path.resolve("build/index.js");
  if (!fs.existsSync(file)) execSync("npx remix build", { stdio: "inherit" });
  return import(pathToFileURL(file).href);
}

export async function startTestServer(runtime: Runtime) {
  const build = await loadBuild();
  const app = createApp(runtime, build);
  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const address = server.address() as { port: number };
  const origin = `http://127.0.0.1:${address.port}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export class Browser {
  cookies = new Map<string, string>();
  constructor(private origin: string) {}

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(pathname: string, headers: Record<string, string> = {}) {
    const response = await fetch(this.origin + pathname, { headers: { cookie: this.cookieHeader(), ...headers }, redirect: "manual" });
    this.remember(response);
    return response;
  }

  /** Fetches the page and returns the CSRF token its forms carry. */
  async csrfFrom(pathname: string) {
    const html = await (await this.get(pathname)).text();
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF field on ${pathname}`);
    return match[1];
  }

  async post(pathname: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(this.origin + pathname, {
      method: "POST",
      headers: { cookie: this.cookieHeader(), origin: this.origin, "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
    this.remember(response);
    return response;
  }
}
