/**
 * The ServerQuery commands the fake answers, with the rules of a real server: login first (else
 * 518/2568), a virtual server selected with `use` (else 1024), the query account's rights (2568),
 * empty results as 1281, the default group (2564), duplicates (2561), piped parameter lists.
 */
import type { Request, Row } from "./codec";
import { fail, type Ts3World } from "./state";

export interface Session {
  loggedIn: boolean;
  sid: number;
  login: { username: string; password: string };
  perms: { granted: boolean };
}

const int = (value: string | undefined): number => {
  if (value === undefined || value === "" || !/^-?\d+$/.test(value)) return fail(1538);
  return Number(value);
};

const OPEN = new Set(["login", "version", "help", "quit"]);
const NEEDS_RIGHTS = new Set(["servergroupadd", "servergroupaddperm", "servergroupaddclient", "servergroupdelclient", "tokenadd", "privilegekeyadd", "privilegekeydelete", "clientkick", "clientdbdelete"]);

export function runCommand(world: Ts3World, session: Session, req: Request): Row[] {
  const p = req.blocks[0];
  if (!OPEN.has(req.command)) {
    if (!session.loggedIn) fail(2568, { failed_permid: 4 });
    if (req.command !== "use" && req.command !== "whoami" && session.sid !== world.sid) fail(1024);
    if (NEEDS_RIGHTS.has(req.command) && !session.perms.granted) fail(2568, { failed_permid: 125 });
  }
  switch (req.command) {
    case "login":
      if (p.client_login_name !== session.login.username || p.client_login_password !== session.login.password) fail(520);
      session.loggedIn = true;
      return [];
    case "use":
      if (int(p.sid) !== world.sid) fail(1024);
      session.sid = world.sid;
      return [];
    case "version":
      return [{ version: "3.13.7", build: 1655727713, platform: "Linux" }];
    case "whoami":
      return [{ virtualserver_status: "online", virtualserver_id: session.sid, client_login_name: session.login.username }];
    case "servergrouplist":
      return [...world.groups.values()].map((g) => ({ sgid: g.sgid, name: g.name, type: g.type, iconid: 0, savedb: 1, sortid: 0, namemode: 0, n_modifyp: 75, n_member_addp: 0, n_member_removep: 0 }));
    case "servergroupadd": {
      if (!p.name) fail(1538);
      return [{ sgid: world.addGroup(p.name, p.type ? int(p.type) : 1).sgid }];
    }
    case "servergroupaddperm": {
      const group = world.regularGroup(int(p.sgid));
      for (const b of req.blocks) group.perms.set(b.permsid ?? String(b.permid), int(b.permvalue));
      return [];
    }
    case "servergroupsbyclientid": {
      const client = world.client(int(p.cldbid));
      return world.groupsOf(client).map((sgid) => ({ name: world.groups.get(sgid)?.name ?? "", sgid, cldbid: client.cldbid }));
    }
    case "servergroupclientlist": {
      const sgid = int(p.sgid);
      world.regularGroup(sgid);
      const members = [...world.clients.values()].filter((c) => c.groups.has(sgid));
      if (!members.length) fail(1281);
      return members.map((c): Row => (req.flags.has("names") ? { cldbid: c.cldbid, client_nickname: c.nickname, client_unique_identifier: c.uid } : { cldbid: c.cldbid }));
    }
    case "servergroupaddclient":
      for (const b of req.blocks) world.addClientToGroup(int(b.sgid ?? p.sgid), int(b.cldbid));
      return [];
    case "servergroupdelclient":
      for (const b of req.blocks) world.removeClientFromGroup(int(b.sgid ?? p.sgid), int(b.cldbid));
      return [];
    case "tokenadd":
    case "privilegekeyadd": {
      const token = world.addToken(int(p.tokentype), int(p.tokenid1), int(p.tokenid2 ?? "0"), p.tokendescription ?? "", p.tokencustomset ?? "");
      return [{ token: token.token }];
    }
    case "privilegekeylist":
    case "tokenlist": {
      const tokens = [...world.tokens.values()];
      if (!tokens.length) fail(1281);
      return tokens.map((t) => ({ token: t.token, token_type: t.type, token_id1: t.id1, token_id2: t.id2, token_created: t.created, token_description: t.description }));
    }
    case "privilegekeydelete":
    case "tokendelete":
      if (!world.tokens.delete(p.token ?? "")) fail(3840);
      return [];
    case "customsearch": {
      const hits = world.customSearch(p.ident ?? "", p.pattern ?? "");
      if (!hits.length) fail(1281);
      return hits.map((c) => ({ cldbid: c.cldbid, ident: p.ident ?? "", value: c.custom.get(p.ident ?? "") ?? "" }));
    }
    case "clientlist": {
      const online = [...world.clients.values()].filter((c) => c.clid !== null);
      return online.map((c) => ({ clid: c.clid!, cid: 1, client_database_id: c.cldbid, client_nickname: c.nickname, client_type: 0 }));
    }
    case "clientkick": {
      for (const b of req.blocks) {
        const clid = int(b.clid);
        const client = [...world.clients.values()].find((c) => c.clid === clid);
        if (!client) fail(512);
        client!.clid = null;
      }
      return [];
    }
    case "clientdbdelete":
      if (!world.clients.delete(int(p.cldbid))) fail(512);
      return [];
    default:
      return fail(256);
  }
}
