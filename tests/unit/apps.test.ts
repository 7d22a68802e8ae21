import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appForPath, appMenu, allApps, checkApps, enabledApps, isSwitchedOffPath, unknownAppIds, type AppDefinition } from "~/apps/registry.server";
import { menuItemsFor } from "~/modules/menu/registry.server";
import { permissionCatalogue } from "~/modules/permission-registry";
import { catalogues } from "~/i18n/i18n.server";
import { scheduleFor, switchedOffTasks } from "../../jobs/crontab";
import { allTasks } from "../../jobs/task-list";
import { appRoutes } from "../../remix.config.js";

const app = (fields: Partial<AppDefinition> & { id: string }): AppDefinition => ({ label: `${fields.id}.title`, paths: [`/${fields.id}`], ...fields });
const switches = (APPS_DISABLED = "", APPS_ENABLED = "") => ({ APPS_DISABLED, APPS_ENABLED, EVE_AFFILIATION_UPDATE_MINUTES: 10 });

describe("app registry", () => {
  it("refuses clashing ids, paths, widgets and badly named tasks", () => {
    expect(() => checkApps([app({ id: "a" }), app({ id: "a", paths: ["/b"] })])).toThrow(/listed twice/);
    expect(() => checkApps([app({ id: "a" }), app({ id: "b", paths: ["/a"] })])).toThrow(/both claim \/a/);
    expect(() => checkApps([app({ id: "A" })])).toThrow(/lower-case/);
    expect(() => checkApps([app({ id: "a", paths: ["/a/"] })])).toThrow(/must look like/);
    const widget = { id: "w", order: 1, load: async () => null };
    expect(() => checkApps([app({ id: "a", widgets: [widget] }), app({ id: "b", widgets: [widget] })])).toThrow(/"w" is declared twice/);
    const task = { description: "", payload: {} as never, run: async () => null };
    expect(() => checkApps([app({ id: "a", tasks: { "other.run": task } })])).toThrow(/must be named a\.<verb>/);
    expect(checkApps(allApps())).toStrictEqual(allApps());
  });

  it("switches apps off by APPS_DISABLED and opt-in apps on by APPS_ENABLED", () => {
    const list = [app({ id: "corputils", paths: ["/corpstats"] }), app({ id: "hr" }), app({ id: "example", optIn: true })];
    expect(enabledApps(switches(), list).map((a) => a.id)).toEqual(["corputils", "hr"]);
    expect(enabledApps(switches(" CorpUtils , ", "example"), list).map((a) => a.id)).toEqual(["hr", "example"]);
    expect(unknownAppIds(switches("corputils,nope", "typo"), list)).toEqual(["nope", "typo"]);
    expect(appForPath("/corpstats/search", list)?.id).toBe("corputils");
    expect(appForPath("/corpstatsx", list)).toBeUndefined();
    expect(isSwitchedOffPath(switches("corputils"), "/CorpStats", list)).toBe(true);
    expect(isSwitchedOffPath(switches("corputils"), "/hr/apply", list)).toBe(false);
    expect(isSwitchedOffPath(switches(), "/example", list)).toBe(true);
    expect(isSwitchedOffPath(switches(), "/dashboard", list)).toBe(false);
  });

  it("feeds the menu, permissions, strings, tasks and schedule from each app's definition", () => {
    const example = allApps().find((a) => a.id === "example")!;
    expect(menuItemsFor(switches()).some((i) => i.id === "example")).toBe(false);
    expect(menuItemsFor(switches("", "example")).some((i) => i.id === "example")).toBe(true);
    expect(appMenu().map((i) => i.id)).toContain("example");
    for (const p of example.permissions ?? []) expect(permissionCatalogue()).toContainEqual(p);
    for (const lang of Object.keys(catalogues) as (keyof typeof catalogues)[]) expect(catalogues[lang]).toHaveProperty("example.title");
    for (const a of allApps()) {
      for (const name of Object.keys(a.tasks ?? {})) expect(allTasks()).toHaveProperty([name]);
      const off = switchedOffTasks(switches(a.id));
      for (const name of Object.keys(a.tasks ?? {})) expect(off.has(name)).toBe(true);
      for (const entry of a.crontab ?? []) {
        expect(scheduleFor(switches(a.id)).map((e) => e.identifier)).not.toContain(entry.identifier);
        expect(scheduleFor(switches("", a.id)).map((e) => e.identifier)).toContain(entry.identifier);
      }
    }
  });

  it("mounts every app folder's routes inside the core layouts, and every such folder is registered", () => {
    const manifest = appRoutes() as Record<string, { id: string; parentId: string; path?: string }>;
    expect(manifest["apps/example/routes/_app.example._index"]).toMatchObject({ parentId: "routes/_app", path: "example" });
    const folders = fs.readdirSync(path.resolve("app/apps"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual(allApps().map((a) => a.id).sort());
    for (const route of Object.values(manifest)) {
      const id = route.id.split("/")[1];
      const owner = allApps().find((a) => a.id === id)!;
      expect(owner, route.id).toBeDefined();
      // Every page an app mounts answers under one of its declared paths, so switching it off hides it.
      if (route.path) expect(owner.paths.some((p) => `/${route.path}` === p || `/${route.path}`.startsWith(`${p}/`)), route.id).toBe(true);
    }
  });

  it("the example app reaches the core only through the plugin API, as a third party's would", () => {
    const dir = path.resolve("app/apps/example");
    const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.tsx?$/.test(f) && !f.startsWith("tests"));
    expect(files.length).toBeGreaterThan(3);
    const allowed = /^(?:\.{1,2}\/(?!\.\.\/)|\.\.\/\.\.\/plugin-|\.\.\/plugin-|\.\.\/types$|react$|react-i18next$|@remix-run\/(?:node|react)$|zod$|kysely$)/;
    const bad = files.flatMap((file) =>
      [...fs.readFileSync(path.join(dir, file), "utf8").matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]).filter((target) => !allowed.test(target)).map((target) => `${file}: ${target}`),
    );
    expect(bad).toEqual([]);
  });
});
