import { describe, expect, it } from "vitest";
import { htmlResponse, renderedPage } from "~/web/rendered-body.server";

describe("a rendered page's response", () => {
  it("hands the HTTP layer the page's bytes, and gives any other reader the same page through the Response", async () => {
    const html = "<!DOCTYPE html><p>Grüße, 你好 &amp; ✓</p>";
    const headers = new Headers({ "X-Kept": "yes" });
    const response = htmlResponse(html, { status: 404, headers }, "/groups/:groupId");
    const page = renderedPage(response)!;
    expect(page.pattern).toBe("/groups/:groupId");
    expect(page.body.equals(Buffer.from(html, "utf8"))).toBe(true);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-length")).toBe(String(page.body.length));
    expect(response.headers.get("x-kept")).toBe("yes");
    expect(Buffer.from(await response.clone().arrayBuffer()).equals(page.body)).toBe(true);
    expect(await response.text()).toBe(html);
  });

  it("knows only the responses it made", () => {
    expect(renderedPage(new Response("<p>x</p>", { headers: { "content-type": "text/html" } }))).toBeUndefined();
  });
});
