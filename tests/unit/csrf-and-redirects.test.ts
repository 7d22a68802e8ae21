import { describe, expect, it } from "vitest";
import { loggablePath } from "~/modules/ops/logger.server";
import { checkCsrf, checkOrigin, csrfTokenFor, submittedCsrfToken } from "~/web/csrf.server";
import { checkRequestBody, checkRequestTarget } from "~/web/edge-input.server";
import { trustProxySetting } from "~/web/http.server";
import { readInt, readText } from "~/web/input.server";
import { testSettings } from "../support/db";
import { safeReturnPath } from "~/web/redirects";

const origins = ["https://auth.example.com"];
const token = "t".repeat(43);

describe("CSRF check", () => {
  it("passes a same-origin request with the matching token", () => {
    expect(checkCsrf({ headers: new Headers({ origin: "https://auth.example.com" }), allowedOrigins: origins, cookieToken: token, submittedToken: token })).toBeNull();
  });

  it("fails a cross-origin request even with the right token", () => {
    expect(checkCsrf({ headers: new Headers({ origin: "https://evil.example" }), allowedOrigins: origins, cookieToken: token, submittedToken: token })).toBe("origin");
    expect(checkOrigin(new Headers({ referer: "https://evil.example/page" }), origins)).toBe(false);
    expect(checkOrigin(new Headers({ origin: "null" }), origins)).toBe(false);
  });

  it("fails a missing or different token", () => {
    const headers = new Headers({ origin: "https://auth.example.com" });
    expect(checkCsrf({ headers, allowedOrigins: origins, cookieToken: token, submittedToken: null })).toBe("missing-token");
    expect(checkCsrf({ headers, allowedOrigins: origins, cookieToken: null, submittedToken: token })).toBe("missing-token");
    expect(checkCsrf({ headers, allowedOrigins: origins, cookieToken: token, submittedToken: token.slice(1) + "u" })).toBe("bad-token");
  });

  it("reads the token from a header or from the form parsed at the edge", async () => {
    expect(submittedCsrfToken(new Headers({ "x-csrf-token": "abc" }), null)).toBe("abc");
    const urlencoded = await checkRequestBody("application/x-www-form-urlencoded", Buffer.from("a=1&csrf=fromform"));
    expect(urlencoded.ok && submittedCsrfToken(new Headers(), urlencoded.form)).toBe("fromform");
    const form = new FormData();
    form.set("csrf", "multi");
    const request = new Request("http://x/", { method: "POST", body: form });
    const multipart = await checkRequestBody(request.headers.get("content-type"), Buffer.from(await request.arrayBuffer()));
    expect(multipart.ok && submittedCsrfToken(new Headers(), multipart.form)).toBe("multi");
    expect(submittedCsrfToken(new Headers(), null)).toBeNull();
  });

  it("requires an Origin or a Referer: the token alone is not enough", () => {
    expect(checkCsrf({ headers: new Headers(), allowedOrigins: origins, cookieToken: token, submittedToken: token })).toBe("origin");
    expect(checkCsrf({ headers: new Headers({ referer: "https://auth.example.com/login" }), allowedOrigins: origins, cookieToken: token, submittedToken: token })).toBeNull();
  });

  it("binds the token to the session: another session, or none, gives another token", () => {
    const settings = testSettings();
    const a = csrfTokenFor(settings, { session: "session-a" });
    expect(csrfTokenFor(settings, { session: "session-a" })).toBe(a);
    expect(csrfTokenFor(settings, { session: "session-b" })).not.toBe(a);
    expect(csrfTokenFor(settings, { anonymous: "session-a" })).not.toBe(a);
  });

  it("gives each session the same token whatever else was asked, and another site another token", () => {
    const settings = testSettings();
    const first = Array.from({ length: 600 }, (_, i) => csrfTokenFor(settings, i % 2 ? { session: `s${i}` } : { anonymous: `a${i}` }));
    expect(new Set(first).size).toBe(600);
    // Past what is remembered, and in another order: the same tokens.
    const again = Array.from({ length: 600 }, (_, i) => 599 - i).map((i) => csrfTokenFor(settings, i % 2 ? { session: `s${i}` } : { anonymous: `a${i}` }));
    expect(again.reverse()).toEqual(first);
    const other = testSettings({ SECRET_KEY: "another-secret-key-that-is-long-enough-9876543210" });
    expect(csrfTokenFor(other, { session: "s1" })).not.toBe(first[1]);
    expect(csrfTokenFor(testSettings(), { session: "s1" })).toBe(first[1]);
  });
});

describe("input checks at the edge", () => {
  it("refuses NUL bytes and undecodable escapes in paths and query strings", () => {
    expect(checkRequestTarget("/admin/jobs/abc?q=x%20y&page=2")).toBeNull();
    expect(checkRequestTarget("/admin/jobs/a%00b")).toBe("nulByte");
    expect(checkRequestTarget("/groups?q=%00")).toBe("nulByte");
    expect(checkRequestTarget("/groups?q%00=1")).toBe("nulByte");
    expect(checkRequestTarget("/groups/%E0%A4%A")).toBe("badEncoding");
    expect(checkRequestTarget("/groups?q=%ZZ")).toBe("badEncoding");
  });

  it("accepts empty bodies and forms; refuses other bodies, broken multipart and NUL bytes", async () => {
    expect(await checkRequestBody(null, Buffer.alloc(0))).toEqual({ ok: true, form: null });
    expect((await checkRequestBody("application/x-www-form-urlencoded; charset=UTF-8", Buffer.from("a=b"))).ok).toBe(true);
    expect(await checkRequestBody("application/json", Buffer.from('{"a":1}'))).toEqual({ ok: false, reason: "notAForm" });
    expect(await checkRequestBody("text/plain", Buffer.from("a=b"))).toEqual({ ok: false, reason: "notAForm" });
    expect(await checkRequestBody(null, Buffer.from("a=b"))).toEqual({ ok: false, reason: "notAForm" });
    expect(await checkRequestBody("multipart/form-data; boundary=xyz", Buffer.from("--xyz\r\nbroken"))).toEqual({ ok: false, reason: "badForm" });
    expect(await checkRequestBody("application/x-www-form-urlencoded", Buffer.from("name=a%00b"))).toEqual({ ok: false, reason: "nulByte" });
  });

  it("gives routes one strict reader for numbers and text", () => {
    const params = new URLSearchParams("page=3&bad=1e%2B23&nan=abc&long=" + "x".repeat(20));
    expect(readInt(params, "page", { min: 1 })).toBe(3);
    expect(readInt(params, "missing")).toBeNull();
    expect(() => readInt(params, "bad")).toThrow();
    expect(() => readInt(params, "nan")).toThrow();
    expect(() => readText(params, "long", { max: 10 })).toThrow();
  });
});

describe("logs", () => {
  it("never carry setup tokens or activation keys", () => {
    expect(loggablePath("/setup/abcdef123")).toBe("/setup/[redacted]");
    expect(loggablePath("/account/activate/key.sig")).toBe("/account/activate/[redacted]");
    expect(loggablePath("/%73etup/abcdef123")).toBe("/setup/[redacted]");
    expect(loggablePath("/dashboard")).toBe("/dashboard");
  });
});

describe("trusted proxies", () => {
  it("trusts nobody by default", () => {
    expect(trustProxySetting("")).toBe(false);
    expect(trustProxySetting("10.0.0.1, loopback")).toEqual(["10.0.0.1", "loopback"]);
  });
});

describe("redirect targets", () => {
  it("allows only local paths", () => {
    expect(safeReturnPath("/dashboard?tab=1")).toBe("/dashboard?tab=1");
    expect(safeReturnPath("https://evil.example/")).toBe("/");
    expect(safeReturnPath("//evil.example/")).toBe("/");
    expect(safeReturnPath("/\\evil.example")).toBe("/");
    expect(safeReturnPath(null, "/login")).toBe("/login");
  });

  it("refuses what a browser would resolve off-site: whitespace, control characters, backslashes", () => {
    for (const hostile of ["/\t/evil.example/phish", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example", "/\u0000/evil.example", "\\evil.example", "/\\/evil.example", "/%09/evil.example".replace("%09", "\t"), "/\u000b/evil.example"]) {
      expect(safeReturnPath(hostile, "/fallback"), JSON.stringify(hostile)).toBe("/fallback");
    }
    // Encoded forms stay paths on this site (the browser does not decode them into a host).
    expect(safeReturnPath("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeReturnPath("/%09/evil.example")).toBe("/%09/evil.example");
    expect(safeReturnPath("/a/../b?x=1#top")).toBe("/b?x=1#top");
    // Whatever passes resolves, in a browser's URL parser, to this site.
    for (const value of ["/dashboard", "/%2F%2Fevil.example", "/a/../b"]) expect(new URL(safeReturnPath(value), "https://auth.example.com").origin).toBe("https://auth.example.com");
  });
});
