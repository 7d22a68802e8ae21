/**
 * Every route module under app/routes, read from the file names (Remix v2 flat routes), so a new route
 * is swept without editing the tests: its id, a URL that reaches it (params from `samples`), whether it
 * has an action, and the form field names and intents its source mentions.
 */
import fs from "node:fs";
import path from "node:path";

export interface RouteInfo {
  file: string;
  /** Remix route id, e.g. "routes/admin.$resource._index". */
  id: string;
  /** A URL that matches the route (for a pathless layout, the URL of one of its children). */
  url: string;
  isIndex: boolean;
  isLayout: boolean;
  hasLoader: boolean;
  hasAction: boolean;
  fields: string[];
  intents: string[];
}

const APPS = path.resolve("app/apps");

/** Route folders and their id prefixes: the core's, then each app's (`app/apps/<id>/routes`). */
function routeFolders(): { dir: string; prefix: string }[] {
  const apps = fs
    .readdirSync(APPS, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(APPS, e.name, "routes")))
    .map((e) => ({ dir: path.join(APPS, e.name, "routes"), prefix: `apps/${e.name}/routes` }));
  return [{ dir: path.resolve("app/routes"), prefix: "routes" }, ...apps];
}

/** Every route module of the site: app/routes and every app's routes (switch opt-in apps on to reach theirs). */
export function listRoutes(samples: Record<string, string>): RouteInfo[] {
  return routeFolders().flatMap(({ dir, prefix }) => listFolder(dir, prefix, samples));
}

function listFolder(ROUTES: string, prefix: string, samples: Record<string, string>): RouteInfo[] {
  const files = fs.readdirSync(ROUTES).filter((f) => /\.(tsx|ts)$/.test(f));
  const names = files.map((f) => f.replace(/\.(tsx|ts)$/, ""));
  return files.map((file, i) => {
    const name = names[i];
    const source = fs.readFileSync(path.join(ROUTES, file), "utf8");
    const segments = name.split(".");
    const isIndex = segments[segments.length - 1] === "_index";
    const isLayout = names.some((other) => other !== name && other.startsWith(`${name}.`));
    const parts: string[] = [];
    for (const raw of segments) {
      const segment = raw.endsWith("_") && raw !== "_" ? raw.slice(0, -1) : raw;
      if (segment === "_index" || segment.startsWith("_")) continue;
      if (segment === "$") parts.push(samples.$ ?? "no/such/page");
      else if (segment.startsWith("$")) {
        const value = samples[segment.slice(1)];
        if (value === undefined) throw new Error(`no sample value for the route parameter ${segment} (${file})`);
        parts.push(encodeURIComponent(value));
      } else parts.push(segment);
    }
    let url = `/${parts.join("/")}`;
    // A pathless layout (e.g. _app) is reached through one of its children.
    if (isLayout && parts.length === 0 && name !== "_index") {
      const child = names.find((other) => other.startsWith(`${name}.`) && !other.includes("$"))!;
      url = `/${child.split(".").filter((s) => !s.startsWith("_")).join("/")}`;
    }
    const fields = new Set<string>();
    for (const m of source.matchAll(/\bname="([A-Za-z_][\w]*)"/g)) fields.add(m[1]);
    for (const m of source.matchAll(/\.(?:get|getAll|has)\("([A-Za-z_][\w]*)"\)/g)) fields.add(m[1]);
    const intents = new Set<string>();
    for (const m of source.matchAll(/name="intent" value="(\w+)"/g)) intents.add(m[1]);
    for (const m of source.matchAll(/intent [!=]== "(\w+)"/g)) intents.add(m[1]);
    for (const m of source.matchAll(/z\.enum\(\[([^\]]*)\]\)/g)) for (const v of m[1].matchAll(/"(\w+)"/g)) intents.add(v[1]);
    return {
      file,
      id: `${prefix}/${name}`,
      url,
      isIndex,
      isLayout,
      hasLoader: /export (async )?function loader\b|export const loader\b/.test(source),
      hasAction: /export (async )?function action\b|export const action\b/.test(source),
      fields: [...fields].filter((f) => f !== "csrf"),
      intents: [...intents],
    };
  });
}

/** The URL of a data request for exactly this route's loader or action (no parent loaders run). */
export function dataUrl(route: RouteInfo, extra = "") {
  const sep = route.url.includes("?") ? "&" : "?";
  return `${route.url}${sep}${route.isIndex ? "index&" : ""}_data=${encodeURIComponent(route.id)}${extra}`;
}
