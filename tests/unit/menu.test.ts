import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Icon } from "~/components/icon";
import { ICON_NAMES } from "~/modules/menu/icon-names";
import { MENU_ICONS } from "~/modules/menu/stored.server";
import { buildMenu, menuItems, menuSources, visibleMenu } from "~/modules/menu/registry.server";
import type { MenuItem, MenuUser } from "~/modules/menu/types";

const member = (permissions: string[] = [], staff = false): MenuUser => ({ id: 1, permissions: new Set(permissions), is_staff: staff, is_superuser: false });

describe("menu registry", () => {
  it("is one list of every module's entries, built without importing routes", () => {
    expect(Object.keys(menuSources)).toEqual(["core", "notifications", "groups", "states", "permissions-audit", "services"]);
    expect(menuItems().map((item) => item.id)).toEqual(["dashboard", "notifications", "characters", "groups", "tokens", "services", "jabber-broadcast", "group-management", "states", "permissions-audit", "audit", "admin", "optimer", "timerboard", "srp", "fleetactivitytracking", "corputils", "hrapplications", "example"]);
    // The apps' entries come from the app registry, not from menuSources.
    expect(menuItems().at(-1)?.id).toBe("example");
  });

  it("refuses an id declared twice", () => {
    const item: MenuItem = { id: "x", label: "x", to: "/x", order: 1 };
    expect(() => buildMenu({ a: [item], b: [{ ...item, to: "/y" }] })).toThrow(/"x" is declared twice/);
  });

  it("shows an entry only with its permission, staff flag and check, in order, with badges", async () => {
    const items = buildMenu({
      a: [
        { id: "open", label: "l.open", to: "/open", order: 20 },
        { id: "perm", label: "l.perm", to: "/perm", order: 10, permission: "app.view_thing" },
        { id: "staff", label: "l.staff", to: "/staff", order: 30, staffOnly: true },
        { id: "checked", label: "l.checked", to: "/checked", order: 5, visible: async (u) => u.id === 2, badge: async () => 3 },
      ],
    });
    expect((await visibleMenu(member(), items)).map((i) => i.id)).toEqual(["open"]);
    expect((await visibleMenu(member(["app.view_thing"], true), items)).map((i) => i.id)).toEqual(["perm", "open", "staff"]);
    expect(await visibleMenu({ ...member(), id: 2 }, items)).toEqual([
      { id: "checked", label: "l.checked", to: "/checked", badge: 3 },
      { id: "open", label: "l.open", to: "/open", badge: 0 },
    ]);
  });
});

describe("menu icons", () => {
  it("every entry of the code names an icon, and every icon name (the editor's included) draws an SVG", () => {
    const missing = menuItems().filter((item) => !item.icon).map((item) => item.id);
    expect(missing).toEqual([]);
    for (const name of [...ICON_NAMES, ...MENU_ICONS]) {
      const svg = renderToStaticMarkup(createElement(Icon, { name }));
      expect(svg, name).toMatch(new RegExp(`^<svg [^>]*aria-hidden="true"[^>]*data-icon="${name}"[^>]*>.*<(path|rect|circle)`));
    }
    expect(renderToStaticMarkup(createElement(Icon, { name: "no-such-icon" }))).toBe("");
    expect(renderToStaticMarkup(createElement(Icon, { name: null }))).toBe("");
  });
});
