/**
 * startFakeXenForo(): XenAPI's api.php (Contex/XenAPI 1.4.2) over a tiny XenForo user table, for tests
 * and demo mode. GET only; `hash` checked first (1 empty, 3 missing, 6 wrong); unknown action 2; missing
 * argument 3; no user 4; user errors as general error 7 with user_error_id (40 name taken, 42 email
 * taken, 32/33 name length, 38 comma, 8 already in the group, 12 not in the group). `group=` on
 * register sets the primary group; add_groups/remove_groups work on secondary groups, and removing the
 * primary group resets it to Registered (2).
 */
import { json, serve, type FakeRequest, type Reply, type RequestRecord } from "../eve/http";

export interface FakeXenForoUser {
  user_id: number;
  username: string;
  email: string;
  password: string;
  user_group_id: number;
  secondary: Set<number>;
  user_state: string;
}

export interface FakeXenForo {
  url: string;
  endpoint: string;
  apiKey: string;
  stop(): Promise<void>;
  users: Map<number, FakeXenForoUser>;
  byName(username: string): FakeXenForoUser | undefined;
  /** Every group the user is in (primary and secondary). */
  groupsOf(username: string): number[];
  requests: RequestRecord[];
  callCount(action: string): number;
}

export const XENFORO_GROUPS: Record<number, string> = { 1: "Unregistered / Unconfirmed", 2: "Registered", 3: "Administrative", 4: "Moderating", 5: "Alliance Members" };

function general(code: number, message: string): Reply {
  return json(400, { error: code, message });
}

function userError(doing: string, id: number, field: string, key: string, phrase: string): Reply {
  return json(400, { error: 7, message: `Something went wrong when "${doing}": ${phrase}`, user_error_id: id, user_error_field: field, user_error_key: key, user_error_phrase: phrase });
}

/** XenForo's username rules (comma, 3–50 characters) as XenAPI reports them. */
function nameError(doing: string, name: string): Reply | null {
  if (name.includes(",")) return userError(doing, 38, "username", "please_enter_name_that_does_not_contain_comma", "Please enter a name that does not contain a comma.");
  if ([...name].length < 3) return userError(doing, 32, "username", "please_enter_name_that_is_at_least_x_characters_long", "Please enter a name that is at least 3 characters long.");
  if ([...name].length > 50) return userError(doing, 33, "username", "please_enter_value_using_x_characters_or_fewer", "Please enter a value using 50 characters or fewer.");
  return null;
}

function publicUser(u: FakeXenForoUser) {
  return { user_id: u.user_id, username: u.username, email: u.email, user_group_id: u.user_group_id, secondary_group_ids: [...u.secondary].join(","), user_state: u.user_state };
}

export async function startFakeXenForo(options: { apiKey: string; host?: string; port?: number }): Promise<FakeXenForo> {
  const users = new Map<number, FakeXenForoUser>();
  const requests: RequestRecord[] = [];
  let nextId = 1;
  const byName = (name: string) => [...users.values()].find((u) => u.username.toLowerCase() === name.toLowerCase());
  const find = (value: string) => (/^\d+$/.test(value) ? users.get(Number(value)) : undefined) ?? byName(value) ?? [...users.values()].find((u) => u.email.toLowerCase() === value.toLowerCase());

  async function handle(request: FakeRequest): Promise<Reply> {
    if (request.method !== "GET" && request.method !== "POST") return general(0, "Unknown error");
    const q = request.url.searchParams;
    const hash = q.get("hash");
    if (hash === null) return general(3, 'Missing argument: "hash"');
    if (hash === "") return general(1, 'Argument: "hash", is empty/missing a value');
    if (hash !== options.apiKey) return general(6, `"${hash}" is not a valid hash`);
    const action = q.get("action");
    if (action === null) return general(3, 'Missing argument: "action"');
    const need = (...names: string[]) => {
      for (const n of names) {
        const v = q.get(n);
        if (v === null) return general(3, `Missing argument: "${n}"`);
        if (v === "") return general(1, `Argument: "${n}", is empty/missing a value`);
      }
      return null;
    };
    if (action === "register") {
      const missing = need("username", "password", "email");
      if (missing) return missing;
      const username = q.get("username")!;
      const email = q.get("email")!;
      const doing = "registering a new user";
      const invalid = nameError(doing, username);
      if (invalid) return invalid;
      if (byName(username)) return userError(doing, 40, "username", "usernames_must_be_unique", "Usernames must be unique. The specified username is already in use.");
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) return userError(doing, 41, "email", "please_enter_valid_email", "Please enter a valid email.");
      if ([...users.values()].some((u) => u.email.toLowerCase() === email.toLowerCase())) return userError(doing, 42, "email", "email_addresses_must_be_unique", "Email addresses must be unique. The specified email address is already in use.");
      const group = q.get("group");
      const groupId = group === null || group === "" ? 2 : Number(group);
      if (!XENFORO_GROUPS[groupId]) return general(0, `Unknown error: no group "${group}"`);
      const user: FakeXenForoUser = { user_id: nextId++, username, email, password: q.get("password")!, user_group_id: groupId, secondary: new Set(), user_state: q.get("user_state") ?? "valid" };
      users.set(user.user_id, user);
      return json(200, publicUser(user));
    }
    if (action === "getUser") {
      const missing = need("value");
      if (missing) return missing;
      const user = find(q.get("value")!);
      return user ? json(200, publicUser(user)) : general(4, `No user found with the argument: "${q.get("value")}"`);
    }
    if (action === "editUser") {
      const missing = need("user");
      if (missing) return missing;
      const user = find(q.get("user")!);
      if (!user) return general(4, `No user found with the argument: "${q.get("user")}"`);
      const doing = "editing a user";
      const add = q.get("add_groups");
      const remove = q.get("remove_groups");
      if (add) {
        for (const id of add.split(",").map(Number)) {
          if (user.secondary.has(id) || user.user_group_id === id) return userError(doing, 8, "add_groups", "user_is_already_member_of_group", `User is already a member of the group: ${id}`);
        }
      }
      if (remove) {
        for (const id of remove.split(",").map(Number)) {
          if (!user.secondary.has(id) && user.user_group_id !== id) return userError(doing, 12, "remove_groups", "user_is_not_member_of_group", `User is not a member of the group: ${id}`);
        }
      }
      const rename = q.get("username");
      if (rename !== null && rename !== user.username) {
        const invalid = nameError(doing, rename);
        if (invalid) return invalid;
        const holder = byName(rename);
        if (holder && holder !== user) return userError(doing, 40, "username", "usernames_must_be_unique", "Usernames must be unique. The specified username is already in use.");
      }
      if (rename) user.username = rename;
      if (add) for (const id of add.split(",").map(Number)) user.secondary.add(id);
      if (remove) {
        for (const id of remove.split(",").map(Number)) {
          user.secondary.delete(id);
          if (user.user_group_id === id) user.user_group_id = 2;
        }
      }
      const password = q.get("password");
      if (password) user.password = password;
      return json(200, publicUser(user));
    }
    return general(2, `"${action}" is not a supported action`);
  }

  const server = await serve({ service: "xenforo", host: options.host ?? "127.0.0.1", port: options.port ?? 0, log: requests, maxLog: 5000, clock: Date.now, handle });
  return {
    url: server.url,
    endpoint: `${server.url}/api.php`,
    apiKey: options.apiKey,
    stop: server.stop,
    users,
    byName,
    groupsOf: (name) => {
      const u = byName(name);
      return u ? [u.user_group_id, ...u.secondary].sort((a, b) => a - b) : [];
    },
    requests,
    callCount: (action) => requests.filter((r) => new URL(r.path, "http://x").searchParams.get("action") === action).length,
  };
}
