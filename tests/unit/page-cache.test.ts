import { describe, expect, it } from "vitest";
import { createPageCache, fillPage, pageTemplate, pageVariantKey } from "~/web/page-cache.server";

const names = { csrf: "aa_csrf", personal: ["aa_session", "aa_flash"] };
const variant = (cookies: string, routeId = "routes/login") => pageVariantKey({ routeId, url: "http://site/login", acceptLanguage: "de", cookies }, names);

describe("the anonymous page cache", () => {
  it("keys a page by its cookies without the CSRF seed, and refuses personal ones and other routes", () => {
    expect(variant("")).toBe(variant("aa_csrf=seed-one"));
    expect(variant("aa_theme=dark; aa_lang=de")).toBe(variant("aa_lang=de;aa_csrf=x; aa_theme=dark"));
    expect(variant("aa_theme=dark")).not.toBe(variant("aa_theme=light"));
    expect(variant("aa_theme=dark")).not.toBe(variant(""));
    expect(variant("aa_session=abc")).toBeNull();
    expect(variant("aa_theme=dark; aa_flash=abc")).toBeNull();
    expect(variant("", "routes/dashboard")).toBeNull();
  });

  it("puts each request's token and nonce wherever the rendered page had them", () => {
    const html = "TOKEN<a n=NONCE>TOKENNONCE x TOKEN";
    const page = pageTemplate(html, "TOKEN", "NONCE");
    expect(page.slots).toEqual(["token", "nonce", "token", "nonce", "token"]);
    expect(fillPage(page, "t1", "n1").toString()).toBe("t1<a n=n1>t1n1 x t1");
    expect(fillPage(pageTemplate("plain", "TOKEN", "NONCE"), "a", "b").toString()).toBe("plain");
  });

  it("keeps only shareable answers, and drops the least recently used past its size", () => {
    const cache = createPageCache(2);
    const html = (status = 200, headers: Record<string, string> = {}) => new Response("x", { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
    const body = Buffer.from("<p>T N</p>");
    const values = { token: "T", nonce: "N", pattern: "/login" };
    cache.remember("withCookie", html(200, { "set-cookie": "aa_flash=; Max-Age=0" }), body, values);
    cache.remember("notFound", html(404), body, values);
    cache.remember("json", new Response("{}", { headers: { "content-type": "application/json" } }), body, values);
    expect(cache.size).toBe(0);
    cache.remember("a", html(), body, values);
    cache.remember("b", html(), body, values);
    expect(cache.get("a")).toBeDefined();
    cache.remember("c", html(), body, values);
    expect(cache.get("b")).toBeUndefined();
    expect(fillPage(cache.get("a")!, "tok", "non").toString()).toBe("<p>tok non</p>");
    expect(cache.get("c")!.headers).toEqual([["content-type", "text/html; charset=utf-8"]]);
  });
});
