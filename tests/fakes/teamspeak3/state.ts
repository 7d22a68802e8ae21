/**
 * What the fake TeamSpeak 3 server holds: server groups (6 Server Admin, 7 Normal, 8 Guest as the
 * default group, plus a template and a query group), the client database with custom properties,
 * privilege keys, online clients. Every rule a real server enforces that the connector meets is here.
 */
import { randomBytes } from "node:crypto";
import type { Row } from "./codec";

export class FakeTs3Error extends Error {
  constructor(
    readonly id: number,
    readonly msg: string,
    readonly extra: Row = {},
  ) {
    super(`${id} ${msg}`);
  }
}

export const MESSAGES: Record<number, string> = {
  256: "command not found",
  512: "invalid clientID",
  518: "not logged in",
  520: "invalid loginname or password",
  1024: "invalid serverID",
  1281: "database empty result set",
  1282: "database duplicate entry",
  1538: "invalid parameter",
  2560: "invalid group ID",
  2561: "duplicate entry",
  2564: "access to default group is forbidden",
  2568: "insufficient client permissions",
  3329: "connection failed, you are banned",
  3331: "flood ban",
  3840: "invalid privilege key",
};

export const fail = (id: number, extra: Row = {}): never => {
  throw new FakeTs3Error(id, MESSAGES[id] ?? "error", extra);
};

export interface FakeGroup {
  sgid: number;
  name: string;
  /** 0 template, 1 regular, 2 query */
  type: number;
  perms: Map<string, number>;
}

export interface FakeClient {
  cldbid: number;
  uid: string;
  nickname: string;
  groups: Set<number>;
  custom: Map<string, string>;
  /** Online connection id, or null when offline. */
  clid: number | null;
  created: number;
}

export interface FakeToken {
  token: string;
  type: number;
  id1: number;
  id2: number;
  description: string;
  customset: string;
  created: number;
}

export class Ts3World {
  readonly sid = 1;
  defaultGroup = 8;
  groups = new Map<number, FakeGroup>();
  clients = new Map<number, FakeClient>();
  tokens = new Map<string, FakeToken>();
  private nextSgid = 9;
  private nextCldbid = 2;
  private nextClid = 1;

  constructor() {
    this.addGroup("Guest Server Query", 2, 1);
    this.addGroup("Admin Server Query", 2, 2);
    this.addGroup("Server Admin", 0, 3);
    this.addGroup("Normal", 0, 4);
    this.addGroup("Guest", 0, 5);
    this.addGroup("Server Admin", 1, 6);
    this.addGroup("Normal", 1, 7);
    this.addGroup("Guest", 1, 8);
  }

  addGroup(name: string, type = 1, sgid = this.nextSgid++): FakeGroup {
    const duplicate = [...this.groups.values()].some((g) => g.type === type && g.name === name);
    if (duplicate) fail(1282);
    const group = { sgid, name, type, perms: new Map<string, number>() };
    this.groups.set(sgid, group);
    this.nextSgid = Math.max(this.nextSgid, sgid + 1);
    return group;
  }

  regularGroup(sgid: number): FakeGroup {
    const group = this.groups.get(sgid);
    if (!group) return fail(2560);
    return group;
  }

  client(cldbid: number): FakeClient {
    const client = this.clients.get(cldbid);
    if (!client) return fail(512);
    return client;
  }

  /** The groups a client shows: its own, or the default group when it has none. */
  groupsOf(client: FakeClient): number[] {
    return client.groups.size ? [...client.groups].sort((a, b) => a - b) : [this.defaultGroup];
  }

  addClientToGroup(sgid: number, cldbid: number) {
    const group = this.regularGroup(sgid);
    const client = this.client(cldbid);
    if (group.sgid === this.defaultGroup) fail(2564);
    if (client.groups.has(sgid)) fail(2561);
    client.groups.add(sgid);
  }

  removeClientFromGroup(sgid: number, cldbid: number) {
    this.regularGroup(sgid);
    const client = this.client(cldbid);
    if (sgid === this.defaultGroup) fail(2564);
    if (!client.groups.has(sgid)) fail(1281);
    client.groups.delete(sgid);
  }

  addToken(type: number, id1: number, id2: number, description: string, customset: string): FakeToken {
    if (type !== 0 && type !== 1) fail(1538);
    if (type === 0) this.regularGroup(id1);
    const token: FakeToken = { token: randomBytes(30).toString("base64").replace(/[+/=]/g, "x").slice(0, 40), type, id1, id2, description, customset, created: Math.floor(Date.now() / 1000) };
    this.tokens.set(token.token, token);
    return token;
  }

  /**
   * A TeamSpeak client connects with the key: a new identity joins the client database, the key's
   * group and the custom properties of `tokencustomset` are applied, and the key is used up.
   */
  redeem(key: string, options: { nickname?: string; uid?: string; online?: boolean } = {}): FakeClient {
    const token = this.tokens.get(key);
    if (!token) return fail(3840);
    this.tokens.delete(key);
    const client = this.newClient(options.nickname ?? token.description, options.uid);
    if (token.type === 0) client.groups.add(token.id1);
    for (const entry of token.customset.split("|")) {
      const ident = /ident=(\S*)/.exec(entry)?.[1];
      const value = /value=(.*)$/.exec(entry)?.[1];
      if (ident) client.custom.set(ident, value ?? "");
    }
    if (options.online ?? true) client.clid = this.nextClid++;
    return client;
  }

  newClient(nickname: string, uid = `${randomBytes(20).toString("base64")}`): FakeClient {
    const client: FakeClient = { cldbid: this.nextCldbid++, uid, nickname, groups: new Set(), custom: new Map(), clid: null, created: Math.floor(Date.now() / 1000) };
    this.clients.set(client.cldbid, client);
    return client;
  }

  /** SQL LIKE on the custom value (`%` any run, `_` any one character), as the server's customsearch. */
  customSearch(ident: string, pattern: string) {
    const re = new RegExp(`^${[...pattern].map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "s");
    return [...this.clients.values()].filter((c) => c.custom.has(ident) && re.test(c.custom.get(ident)!));
  }
}
