/** A tiny browser stand-in for HTTP tests: a cookie jar, CSRF token extraction, form posts. */
import { execSync } from "node:child_process";
import fs from "node:fs";
import type http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createApp, createHttpServer } from "~/web/http.server";
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
    const s = createHttpServer(app).listen(0, "127.0.0.1", () => resolve(s));
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

  /**
   * Presses a submit button on a page as a browser without JavaScript does: fetches the page, finds
   * the first button with this `data-testid` after the text `after` (a row's test id, say), and
   * posts its form's hidden fields with the button's own name and value to the form's action.
   */
  async press(pathname: string, after: string, buttonTestId: string) {
    const html = await (await this.get(pathname)).text();
    const at = html.indexOf(after);
    const button = at < 0 ? null : new RegExp(`<button[^>]*data-testid="${buttonTestId}"[^>]*>`).exec(html.slice(at));
    if (!button) throw new Error(`no button ${buttonTestId} after ${after} on ${pathname}`);
    const buttonAt = at + button.index;
    const formAt = html.lastIndexOf("<form", buttonAt);
    if (formAt < 0 || html.lastIndexOf("</form>", buttonAt) > formAt) throw new Error(`button ${buttonTestId} on ${pathname} is in no form`);
    const form = html.slice(formAt, html.indexOf("</form>", buttonAt));
    const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    const decode = (value: string) => value.replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
    const fields: Record<string, string> = {};
    for (const input of form.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) fields[attribute(input, "name")!] = decode(attribute(input, "value") ?? "");
    const name = attribute(button[0], "name");
    if (name) fields[name] = decode(attribute(button[0], "value") ?? "");
    const action = decode(attribute(form, "action") ?? pathname);
    return this.post(action, fields);
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
