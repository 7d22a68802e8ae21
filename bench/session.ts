/** Creates the first superuser through the setup page, as a browser would, and keeps its cookies. */
import { randomBytes } from "node:crypto";

/** Name → value of the cookies a server has set. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq < 1) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string) {
    return this.cookies.get(name);
  }

  /** A Cookie header with all cookies, or only the named ones. */
  header(names?: string[]) {
    return [...this.cookies]
      .filter(([name]) => !names || names.includes(name))
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
  }
}

/** The value of `<input … name="csrf" … value="…">`, whatever the attribute order. */
function csrfField(html: string): string | null {
  for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
    if (!/\bname="csrf"/.test(tag)) continue;
    const value = /\bvalue="([^"]*)"/.exec(tag)?.[1];
    if (value) return value.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'");
  }
  return null;
}

export const DASHBOARD_MARKER = 'data-testid="dashboard-title"';

/**
 * GET the setup page (sets aa_csrf, carries the form token), POST the form, expect a redirect to
 * /dashboard with a session cookie. Returns the Cookie header for the benchmark: aa_session and
 * aa_csrf only, so that one-off cookies such as the flash message are not replayed on every request.
 */
export async function createSuperuserSession(baseUrl: string, setupUrl: string): Promise<string> {
  // The setup URL carries SITE_URL; aim at the address we actually started the server on.
  const url = new URL(new URL(setupUrl).pathname, baseUrl).href;
  const jar = new CookieJar();

  const page = await fetch(url, { redirect: "manual" });
  jar.store(page);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET ${url}: expected 200, got ${page.status}`);
  const csrf = csrfField(html);
  if (!csrf) throw new Error(`GET ${url}: no <input name="csrf"> in the setup page`);
  if (!jar.get("aa_csrf")) throw new Error(`GET ${url}: no aa_csrf cookie was set`);

  const password = randomBytes(24).toString("base64url");
  const form = new URLSearchParams({ csrf, username: "bench", email: "", password, passwordConfirm: password });
  const submitted = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.header(), Origin: baseUrl },
    body: form.toString(),
  });
  jar.store(submitted);
  const location = submitted.headers.get("location");
  if (submitted.status !== 302 || location !== "/dashboard") {
    const body = (await submitted.text()).replace(/\s+/g, " ").slice(0, 300);
    throw new Error(`POST ${url}: expected 302 to /dashboard, got ${submitted.status} ${location ?? ""} ${body}`);
  }
  if (!jar.get("aa_session")) throw new Error(`POST ${url}: no aa_session cookie in the response`);

  // One real visit: proves the session works and consumes the one-off flash message.
  const dashboard = await fetch(new URL("/dashboard", baseUrl), { redirect: "manual", headers: { Cookie: jar.header() } });
  jar.store(dashboard);
  const body = await dashboard.text();
  if (dashboard.status !== 200 || !body.includes(DASHBOARD_MARKER)) {
    throw new Error(`GET /dashboard as the new superuser: expected 200 with ${DASHBOARD_MARKER}, got ${dashboard.status} ${dashboard.headers.get("location") ?? ""}`);
  }
  return jar.header(["aa_session", "aa_csrf"]);
}

/** Fails loudly unless the given cookies still open the dashboard (checked right before measuring). */
export async function assertDashboard(baseUrl: string, cookie: string) {
  const response = await fetch(new URL("/dashboard", baseUrl), { redirect: "manual", headers: { Cookie: cookie } });
  const body = await response.text();
  if (response.status !== 200 || !body.includes(DASHBOARD_MARKER)) {
    throw new Error(`GET /dashboard with the benchmark cookies: expected 200 with ${DASHBOARD_MARKER}, got ${response.status} ${response.headers.get("location") ?? ""}`);
  }
}
