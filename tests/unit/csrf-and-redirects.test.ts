import { describe, expect, it } from "vitest";
import { checkCsrf, checkOrigin, submittedCsrfToken } from "~/web/csrf.server";
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

  it("reads the token from a header, a urlencoded form or a multipart form", async () => {
    expect(await submittedCsrfToken(new Headers({ "x-csrf-token": "abc" }), null, "http://x/")).toBe("abc");
    const urlencoded = Buffer.from("a=1&csrf=fromform");
    expect(await submittedCsrfToken(new Headers({ "content-type": "application/x-www-form-urlencoded" }), urlencoded, "http://x/")).toBe("fromform");
    const form = new FormData();
    form.set("csrf", "multi");
    const request = new Request("http://x/", { method: "POST", body: form });
    const body = Buffer.from(await request.arrayBuffer());
    expect(await submittedCsrfToken(new Headers({ "content-type": request.headers.get("content-type")! }), body, "http://x/")).toBe("multi");
    expect(await submittedCsrfToken(new Headers({ "content-type": "application/json" }), Buffer.from('{"csrf":"x"}'), "http://x/")).toBeNull();
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
});
