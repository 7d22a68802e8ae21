/** The kept icons: the same markup as lucide draws, one element per icon, size and class. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Bell, Users } from "lucide-react";
import { describe, expect, it } from "vitest";
import { Icon } from "~/components/icon";

describe("Icon", () => {
  it("draws exactly lucide's SVG, for every size and class asked", () => {
    const ours = (props: { name: string; size?: number; className?: string }) => renderToStaticMarkup(createElement(Icon, props));
    const lucide = (Drawn: typeof Bell, name: string, size: number, className: string) =>
      renderToStaticMarkup(createElement(Drawn, { width: size, height: size, "aria-hidden": "true", focusable: "false", className, "data-icon": name } as Parameters<typeof Bell>[0]));
    expect(ours({ name: "bell" })).toBe(lucide(Bell, "bell", 16, "mr-2 inline-block shrink-0 align-[-3px]"));
    expect(ours({ name: "users", size: 24, className: "shrink-0" })).toBe(lucide(Users, "users", 24, "shrink-0"));
    expect(ours({ name: "bell", size: 24, className: "shrink-0" })).toBe(lucide(Bell, "bell", 24, "shrink-0"));
    expect(ours({ name: "bell" })).toContain("<path");
    expect(ours({ name: "no-such-icon" })).toBe("");
  });

  it("keeps one element per icon, size and class (rendered again, not rebuilt)", () => {
    // Drawn once while rendering (lucide reads its context then) …
    renderToStaticMarkup(createElement("div", null, createElement(Icon, { name: "bell", size: 20, className: "x" }), createElement(Icon, { name: "bell", size: 20, className: "y" })));
    // … and afterwards the same element, without lucide (a plain call: no hook may run now).
    const first = Icon({ name: "bell", size: 20, className: "x" });
    const again = Icon({ name: "bell", size: 20, className: "x" });
    const other = Icon({ name: "bell", size: 20, className: "y" });
    expect(first).not.toBeNull();
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});
