/**
 * SMF through its own tables (members, membergroups, settings, log_online): memberships are the
 * comma list `additional_groups`, the display name is `real_name`, and the password hash follows
 * the forum's version (bcrypt on 2.1+, sha1 before).
 */
import { randomBytes } from "node:crypto";
import type { Settings } from "~/config.server";
import { characterPortraitUrl } from "~/modules/eve/evelinks";
import type { ForumAdapter, ForumMemberState } from "../mysql-forum/adapter";
import { ForumDb, unixNow } from "../mysql-forum/db.server";
import { generatePassword } from "~/modules/services/http.server";
import { smfBcrypt, smfSha1 } from "../mysql-forum/hashes.server";
import { commaIds } from "../mysql-forum/plan";

/** Administrator, Global Moderator, Moderator: SMF's built-in groups, left alone by the sync. */
const BUILT_IN = new Set([1, 2, 3]);

export function smfAdapter(settings: Settings): ForumAdapter {
  const db = new ForumDb(settings.SMF_DATABASE_URL!, settings.SMF_TABLE_PREFIX);
  const [members, membergroups] = [db.table("members"), db.table("membergroups")];

  /** SMF 2.1's own hash_password() when the forum is 2.1 or later, else the 2.0 sha1 form. */
  async function hashFor(memberName: string, password: string): Promise<string> {
    const rows = await db.rows<{ variable: string; value: string }>(`SELECT variable, value FROM ${db.table("settings")} WHERE variable IN ('smfVersion', 'bcrypt_hash_cost')`);
    const match = /(\d+)\.(\d+)/.exec(rows.find((r) => r.variable === "smfVersion")?.value ?? "");
    const modern = match ? Number(match[1]) > 2 || (Number(match[1]) === 2 && Number(match[2]) >= 1) : true;
    if (!modern) return smfSha1(memberName, password);
    const cost = Number(rows.find((r) => r.variable === "bcrypt_hash_cost")?.value) || 10;
    return smfBcrypt(memberName, password, Math.min(Math.max(cost, 4), 31));
  }

  const salt = () => randomBytes(16).toString("hex");
  const avatar = (characterId: number | null | undefined) => (characterId ? { avatar: characterPortraitUrl(characterId, 64) } : {});
  const memberName = async (id: number) => (await db.rows<{ member_name: string }>(`SELECT member_name FROM ${members} WHERE id_member = ?`, [id]))[0]?.member_name ?? null;

  return {
    db,
    groupKey: (name) => name.toLowerCase(),
    async loadGroups() {
      // Post-count groups (min_posts >= 0) cannot be assigned.
      const rows = await db.rows<{ id_group: number; group_name: string }>(`SELECT id_group, group_name FROM ${membergroups} WHERE min_posts = -1 ORDER BY id_group`);
      const byKey = new Map<string, number>();
      for (const r of rows) if (!byKey.has(r.group_name.toLowerCase())) byKey.set(r.group_name.toLowerCase(), r.id_group);
      return { byKey, names: new Map(rows.map((r) => [r.id_group, r.group_name])) };
    },
    async createGroups(names) {
      const v = ForumDb.values(names.map((n) => [n, n]));
      await db.run(`INSERT INTO ${membergroups} (group_name, description) VALUES ${v.sql}`, v.params);
    },
    async readMembers(ids) {
      const out = new Map<number, ForumMemberState>();
      if (ids.length === 0) return out;
      const rows = await db.rows<{ id_member: number; member_name: string; real_name: string; additional_groups: string }>(
        `SELECT id_member, member_name, real_name, additional_groups FROM ${members} WHERE id_member IN (?)`,
        [ids],
      );
      for (const r of rows) {
        const all = commaIds(r.additional_groups);
        out.set(r.id_member, { id: r.id_member, name: r.member_name, groups: all.filter((g) => !BUILT_IN.has(g)), kept: all.filter((g) => BUILT_IN.has(g)), displayName: r.real_name });
      }
      return out;
    },
    writeGroups: (changes) => db.setEach("members", "id_member", "additional_groups", changes.map((c) => ({ id: c.id, value: c.next.join(",") }))),
    writeDisplayNames: (changes) => db.setEach("members", "id_member", "real_name", changes.map((c) => ({ id: c.id, value: c.displayName }))),
    async idsByName(names) {
      const rows = await db.rows<{ id_member: number; member_name: string }>(`SELECT id_member, member_name FROM ${members} WHERE member_name IN (?)`, [names]);
      return new Map(rows.map((r) => [r.member_name.toLowerCase(), r.id_member]));
    },
    async createMember(desired, password) {
      const name = desired.name;
      const values = { email_address: desired.email ?? "", passwd: await hashFor(name, password), password_salt: salt(), real_name: desired.displayName ?? name, is_activated: 1, ...avatar(desired.characterId) };
      const [existing] = await db.rows<{ id_member: number }>(`SELECT id_member FROM ${members} WHERE member_name = ?`, [name]);
      if (existing) {
        await db.update("members", values, "id_member = ?", [existing.id_member]);
        return { id: existing.id_member, name };
      }
      return { id: await db.insert("members", { ...values, member_name: name, date_registered: unixNow(), buddy_list: "", signature: "", ignore_boards: "", additional_groups: "" }), name };
    },
    async setPassword(id, password, desired) {
      const name = await memberName(id);
      if (name === null) return false;
      await db.update("members", { passwd: await hashFor(name, password), ...avatar(desired?.characterId) }, "id_member = ?", [id]);
      return true;
    },
    async disableMember(id) {
      const name = await memberName(id);
      if (name === null) return;
      // A new password_salt invalidates every login cookie (SMF signs them with passwd and the salt).
      await db.update("members", { email_address: "revoked@localhost", passwd: await hashFor(name, generatePassword()), password_salt: salt(), additional_groups: "", is_activated: 0 }, "id_member = ?", [id]);
      await db.run(`DELETE FROM ${db.table("log_online")} WHERE id_member = ?`, [id]);
    },
    unlinkedHolders: (groupIds, linked, cap) => db.commaListHolders("members", { id: "id_member", name: "member_name", list: "additional_groups" }, groupIds, linked, cap),
  };
}
