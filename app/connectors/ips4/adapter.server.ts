/**
 * IPS4 through core_members (and the group names IPS keeps as language words): bcrypt `$2y$` with its
 * salt column, secondary groups as the comma list `mgroup_others` (existing groups only: an IPS group
 * made by SQL would lack its permissions), and a real disable on loss, which the original never did.
 */
import type { Settings } from "~/config.server";
import type { ForumAdapter, ForumMemberState } from "../mysql-forum/adapter";
import { ForumDb, unixNow } from "../mysql-forum/db.server";
import { generatePassword } from "~/modules/services/http.server";
import { ips4Hash } from "../mysql-forum/hashes.server";
import { commaIds } from "../mysql-forum/plan";

/** IPS's friendly URL slug of a display name. */
export function ips4SeoName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

export function ips4Adapter(settings: Settings): ForumAdapter {
  const db = new ForumDb(settings.IPS4_DATABASE_URL!, settings.IPS4_TABLE_PREFIX);
  const coreMembers = db.table("core_members");
  const passwordColumns = async (password: string) => {
    const { hash, salt } = await ips4Hash(password, settings.IPS4_PASSWORD_COST);
    return { members_pass_hash: hash, members_pass_salt: salt };
  };

  return {
    db,
    groupKey: (name) => name.toLowerCase(),
    async loadGroups() {
      const rows = await db.rows<{ g_id: number; name: string | null }>(
        `SELECT g.g_id, COALESCE(NULLIF(w.word_custom, ''), w.word_default) AS name FROM ${db.table("core_groups")} g LEFT JOIN ${db.table("core_sys_lang_words")} w ON w.word_key = CONCAT('core_group_', g.g_id) ORDER BY g.g_id, w.lang_id`,
      );
      const byKey = new Map<string, number>();
      const names = new Map<number, string>();
      for (const r of rows) {
        if (!r.name || names.has(r.g_id)) continue;
        names.set(r.g_id, r.name);
        if (!byKey.has(r.name.toLowerCase())) byKey.set(r.name.toLowerCase(), r.g_id);
      }
      return { byKey, names };
    },
    async readMembers(ids) {
      const out = new Map<number, ForumMemberState>();
      if (ids.length === 0) return out;
      const rows = await db.rows<{ member_id: number; name: string; mgroup_others: string }>(`SELECT member_id, name, mgroup_others FROM ${coreMembers} WHERE member_id IN (?)`, [ids]);
      for (const r of rows) out.set(Number(r.member_id), { id: Number(r.member_id), name: r.name, groups: commaIds(r.mgroup_others), kept: [], displayName: r.name });
      return out;
    },
    writeGroups: (changes) => db.setEach("core_members", "member_id", "mgroup_others", changes.map((c) => ({ id: c.id, value: c.next.join(",") }))),
    async renameMembers(changes) {
      // IPS keeps display names unique (case-insensitively) and a URL slug beside each.
      const taken = await db.rows<{ member_id: number; name: string }>(`SELECT member_id, name FROM ${coreMembers} WHERE name IN (?)`, [changes.map((c) => c.to)]);
      const holds = (c: { id: number; to: string }) => taken.some((t) => t.name.toLowerCase() === c.to.toLowerCase() && Number(t.member_id) !== c.id);
      const free = changes.filter((c) => !holds(c) && changes.filter((o) => o.to.toLowerCase() === c.to.toLowerCase()).length === 1);
      if (free.length === 0) return [];
      await db.setEach("core_members", "member_id", "name", free.map((c) => ({ id: c.id, value: c.to })));
      await db.setEach("core_members", "member_id", "members_seo_name", free.map((c) => ({ id: c.id, value: ips4SeoName(c.to) })));
      return free.map((c) => ({ id: c.id, name: c.to }));
    },
    async createMember(desired, password) {
      const name = desired.name;
      const values = { email: desired.email ?? "", ...(await passwordColumns(password)), member_group_id: settings.IPS4_MEMBER_GROUP_ID, temp_ban: 0 };
      const [existing] = await db.rows<{ member_id: number }>(`SELECT member_id FROM ${coreMembers} WHERE name = ? ORDER BY member_id LIMIT 1`, [name]);
      if (existing) {
        await db.update("core_members", values, "member_id = ?", [existing.member_id]);
        return { id: Number(existing.member_id), name };
      }
      return { id: await db.insert("core_members", { ...values, name, members_seo_name: ips4SeoName(name), joined: unixNow(), mgroup_others: "" }), name };
    },
    async setPassword(id, password) {
      return (await db.update("core_members", await passwordColumns(password), "member_id = ?", [id])) > 0;
    },
    async disableMember(id) {
      // temp_ban -1: banned until lifted; the address is made unique per member (IPS looks members up by email).
      await db.update("core_members", { email: `revoked-${id}@localhost`, ...(await passwordColumns(generatePassword())), temp_ban: -1, mgroup_others: "" }, "member_id = ?", [id]);
      await db.run(`DELETE FROM ${db.table("core_sessions")} WHERE member_id = ?`, [id]);
    },
    unlinkedHolders: (groupIds, linked, cap) => db.commaListHolders("core_members", { id: "member_id", name: "name", list: "mgroup_others" }, groupIds, linked, cap),
  };
}
