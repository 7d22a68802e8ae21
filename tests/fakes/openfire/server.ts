/**
 * startFakeOpenfire(): Openfire's REST API plugin (1.7.1 and later) on a loopback port, for tests, demo
 * mode and the broadcast harness. Secret Key Auth (401 without a body on a wrong key), usernames
 * nodeprepped (lower-cased), `groupnames` bodies (an unknown property such as the old `groupname` is a
 * 400, as Jackson refuses it), groups created on add, the plugin's error shape, a fault switch and a
 * request log.
 */
import { json, serve, type FakeRequest, type Reply, type RequestRecord } from "../eve/http";

export interface FakeOpenfireUser {
  username: string;
  password: string;
  name: string | null;
  email: string | null;
}

export interface FakeOpenfire {
  url: string;
  secret: string;
  stop(): Promise<void>;
  users: Map<string, FakeOpenfireUser>;
  groups: Map<string, Set<string>>;
  addUser(username: string, password: string): void;
  addGroup(name: string, members?: string[]): void;
  groupsOf(username: string): string[];
  /** The next `times` requests answer `status` (with the plugin's error body for 4xx/5xx). */
  setFault(fault: { status: number; times?: number } | null): void;
  requests: RequestRecord[];
  clearRequests(): void;
  callCount(route: string): number;
}

const nodeprep = (s: string) => s.toLowerCase();

function error(status: number, exception: string, message: string, resource = ""): Reply {
  return json(status, { resource, message, exception, exceptionStack: `org.jivesoftware.openfire.exceptions.${exception}: ${message}` });
}

export async function startFakeOpenfire(options: { secret: string; domain?: string; host?: string; port?: number }): Promise<FakeOpenfire> {
  const domain = options.domain ?? "localhost";
  const users = new Map<string, FakeOpenfireUser>();
  const groups = new Map<string, Set<string>>();
  const requests: RequestRecord[] = [];
  let fault: { status: number; times: number } | null = null;

  function body(request: FakeRequest): Record<string, unknown> | Reply {
    try {
      const value = JSON.parse(request.body || "{}");
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      /* fall through */
    }
    return error(400, "IllegalArgumentException", "Could not parse the request body");
  }
  const isReply = (v: unknown): v is Reply => typeof v === "object" && v !== null && "status" in v && typeof (v as Reply).status === "number";

  function groupNames(request: FakeRequest): string[] | Reply {
    const value = body(request);
    if (isReply(value)) return value;
    const unknown = Object.keys(value).filter((k) => k !== "groupnames");
    if (unknown.length) return error(400, "IllegalArgumentException", `Unrecognized field "${unknown[0]}" (class UserGroupsEntity), not marked as ignorable`);
    const names = value.groupnames;
    if (!Array.isArray(names) || names.some((n) => typeof n !== "string" || !n)) return error(400, "IllegalArgumentException", "groupnames must be a list of names");
    return names as string[];
  }

  async function handle(request: FakeRequest): Promise<Reply> {
    if (request.headers.authorization !== options.secret) return { status: 401 };
    if (fault && fault.times > 0) {
      fault.times--;
      return error(fault.status, fault.status >= 500 ? "ServiceException" : "IllegalArgumentException", "injected fault");
    }
    const path = request.url.pathname.replace(/^\/plugins\/restapi\/v1/, "");
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const m = request.method;
    if (parts[0] === "users" && parts.length === 1) {
      if (m === "GET") return json(200, { users: [...users.values()].map((u) => ({ username: u.username, name: u.name, email: u.email, properties: null })) });
      if (m === "POST") {
        const value = body(request);
        if (isReply(value)) return value;
        const name = typeof value.username === "string" ? nodeprep(value.username.trim()) : "";
        if (!name || typeof value.password !== "string" || !value.password) return error(400, "IllegalArgumentException", "Username or password is empty", "users");
        if (users.has(name)) return error(409, "UserAlreadyExistsException", `User ${name} already exists`, name);
        users.set(name, { username: name, password: value.password, name: (value.name as string) ?? null, email: (value.email as string) ?? null });
        return { status: 201 };
      }
    }
    if (parts[0] === "users" && parts.length >= 2) {
      const key = nodeprep(parts[1]);
      const user = users.get(key);
      if (!user) return error(404, "UserNotFoundException", `User ${parts[1]} not found`, parts[1]);
      if (parts.length === 2) {
        if (m === "GET") return json(200, { username: user.username, name: user.name, email: user.email, properties: null });
        if (m === "DELETE") {
          users.delete(key);
          for (const members of groups.values()) members.delete(key);
          return { status: 200 };
        }
        if (m === "PUT") {
          const value = body(request);
          if (isReply(value)) return value;
          if (typeof value.password === "string" && value.password) user.password = value.password;
          if (typeof value.name === "string") user.name = value.name;
          if (typeof value.email === "string") user.email = value.email;
          return { status: 200 };
        }
      }
      if (parts.length === 3 && parts[2] === "groups") {
        if (m === "GET") return json(200, { groupnames: groupsOfUser(key) });
        const names = groupNames(request);
        if (isReply(names)) return names;
        if (m === "POST") {
          for (const n of names) {
            if (!groups.has(n)) groups.set(n, new Set());
            groups.get(n)!.add(key);
          }
          return { status: 201 };
        }
        if (m === "DELETE") {
          const missing = names.find((n) => !groups.has(n));
          if (missing) return error(404, "GroupNotFoundException", `Group ${missing} not found`, missing);
          for (const n of names) groups.get(n)!.delete(key);
          return { status: 200 };
        }
      }
    }
    if (parts[0] === "groups" && m === "GET") {
      if (parts.length === 1) return json(200, { groups: [...groups.keys()].map((name) => ({ name, description: null, shared: false })) });
      const members = groups.get(parts[1]);
      if (!members) return error(404, "GroupNotFoundException", `Group ${parts[1]} not found`, parts[1]);
      return json(200, { name: parts[1], description: null, admins: [], members: [...members].map((u) => `${u}@${domain}`) });
    }
    return error(404, "NotFoundException", `No resource ${m} ${path}`);
  }

  function groupsOfUser(key: string) {
    return [...groups].filter(([, members]) => members.has(key)).map(([name]) => name).sort();
  }

  const server = await serve({ service: "openfire", host: options.host ?? "127.0.0.1", port: options.port ?? 0, log: requests, maxLog: 5000, clock: Date.now, handle });
  const routeOf = (r: RequestRecord) => `${r.method} ${r.path.split("?")[0].replace(/^\/plugins\/restapi\/v1/, "").replace(/^\/users\/[^/]+/, "/users/{u}").replace(/^\/groups\/[^/]+/, "/groups/{g}")}`;
  return {
    url: server.url,
    secret: options.secret,
    stop: server.stop,
    users,
    groups,
    addUser: (username, password) => void users.set(nodeprep(username), { username: nodeprep(username), password, name: null, email: null }),
    addGroup: (name, members = []) => void groups.set(name, new Set(members.map(nodeprep))),
    groupsOf: (username) => groupsOfUser(nodeprep(username)),
    setFault: (f) => {
      fault = f ? { status: f.status, times: f.times ?? 1 } : null;
    },
    requests,
    clearRequests: () => void requests.splice(0),
    callCount: (route) => requests.filter((r) => routeOf(r) === route).length,
  };
}
