/**
 * The audit log as people read it: entries with their actor and target resolved to names (one query
 * per kind of target, whatever the page size), and the filter choices that exist in the trail.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { type AuditQuery, findAudit } from "./audit.server";

export type AuditFilters = Pick<AuditQuery, "action" | "targetType" | "targetId" | "actor" | "before">;

export interface AuditTarget {
  type: string;
  id: string | null;
  /** What people call it (username, group name, character name…), when it still exists. */
  name: string | null;
  /** Where to look at it, for kinds that have a page. */
  href: string | null;
}

export interface AuditRow {
  id: number;
  createdAt: Date;
  actor: string;
  actorUserId: number | null;
  action: string;
  target: AuditTarget;
  before: unknown;
  after: unknown;
  reason: string | null;
  ip: string | null;
  requestId: string | null;
  /** An entry about many users: how many (they are found by filtering on one of them). */
  userCount: number | null;
}

const PAGE = 50;

/** Targets with a page, and where they are. */
const HREF: Record<string, (id: string) => string> = {
  user: (id) => `/admin/users/${id}`,
  group: (id) => `/admin/groups/${id}`,
  state: (id) => `/states/${id}`,
};

const numericIds = (ids: (string | null)[]) => [...new Set(ids.filter((id): id is string => id !== null && /^\d{1,15}$/.test(id)).map(Number))];

async function targetNames(db: Kysely<DB>, rows: { target_type: string; target_id: string | null }[]) {
  const idsOf = (type: string) => numericIds(rows.filter((r) => r.target_type === type).map((r) => r.target_id));
  const [users, groups, states, characters] = [idsOf("user"), idsOf("group"), idsOf("state"), idsOf("character")];
  const found = await Promise.all([
    users.length ? db.selectFrom("users").select(["id", "username as name"]).where("id", "in", users).execute() : [],
    groups.length ? db.selectFrom("auth_groups").select(["id", "name"]).where("id", "in", groups).execute() : [],
    states.length ? db.selectFrom("states").select(["id", "name"]).where("id", "in", states).execute() : [],
    characters.length ? db.selectFrom("eve_characters").select(["character_id as id", "character_name as name"]).where("character_id", "in", characters).execute() : [],
  ]);
  const names = new Map<string, string>();
  ["user", "group", "state", "character"].forEach((type, i) => {
    for (const row of found[i]) names.set(`${type}:${row.id}`, row.name);
  });
  return names;
}

/** One page of entries, newest first, with the next page's cursor. */
export async function browseAudit(db: Kysely<DB>, filters: AuditFilters): Promise<{ rows: AuditRow[]; nextBefore: number | null }> {
  const found = await findAudit(db, { ...filters, limit: PAGE + 1 });
  const page = found.slice(0, PAGE);
  const names = await targetNames(db, page);
  const parse = (text: string | null) => {
    if (text === null) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  return {
    rows: page.map((row) => {
      // A refused page's target is its path: that is its name.
      const name = row.target_type === "route" ? row.target_id : (names.get(`${row.target_type}:${row.target_id}`) ?? null);
      const href = Object.hasOwn(HREF, row.target_type) ? HREF[row.target_type] : undefined;
      return {
        id: row.id,
        createdAt: row.created_at,
        actor: row.actor,
        actorUserId: row.actor_user_id,
        action: row.action,
        target: { type: row.target_type, id: row.target_id, name, href: href && row.target_id && name !== null ? href(row.target_id) : null },
        before: parse(row.before_data),
        after: parse(row.after_data),
        reason: row.reason,
        ip: row.ip,
        requestId: row.request_id,
        userCount: row.user_count,
      };
    }),
    nextBefore: found.length > PAGE ? page[page.length - 1].id : null,
  };
}
