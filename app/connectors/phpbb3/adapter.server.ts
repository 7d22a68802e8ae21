/**
 * phpBB3 through its own tables (users, groups, user_group, sessions, sessions_keys, config): the
 * original's SQL, set-based, with phpBB's special (built-in) groups left alone by the sync.
 */
import type { Settings } from "~/config.server";
import { characterPortraitUrl } from "~/modules/eve/evelinks";
import type { ForumAdapter, ForumMemberState } from "../mysql-forum/adapter";
import { chunks, ForumDb, unixNow } from "../mysql-forum/db.server";
import { generatePassword } from "~/modules/services/http.server";
import { phpassHash } from "../mysql-forum/hashes.server";

/** phpBB's constants: user types, inactive reason, the special group type. */
const USER_NORMAL = 0;
const USER_INACTIVE = 1;
const INACTIVE_MANUAL = 3;
const GROUP_SPECIAL = 3;
const AVATAR_SIZE = 64;

export function phpbbAdapter(settings: Settings): ForumAdapter {
  const db = new ForumDb(settings.PHPBB3_DATABASE_URL!, settings.PHPBB3_TABLE_PREFIX);
  const [users, groups, userGroup] = [db.table("users"), db.table("groups"), db.table("user_group")];
  const hash = (password: string) => phpassHash(password, { cost: settings.PHPBB3_PASSWORD_COST });

  /** phpBB 3.0 stores the avatar type as the number 2; 3.1+ as a driver name (legacy 2 still maps to it). */
  async function avatarColumns(characterId: number | null | undefined): Promise<Record<string, unknown>> {
    if (!characterId) return {};
    const [col] = await db.rows<{ DATA_TYPE: string }>("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'user_avatar_type'", [
      `${settings.PHPBB3_TABLE_PREFIX}users`,
    ]);
    const numeric = col ? /int/i.test(col.DATA_TYPE) : false;
    return { user_avatar: characterPortraitUrl(characterId, AVATAR_SIZE), user_avatar_type: numeric ? 2 : "avatar.driver.remote", user_avatar_width: AVATAR_SIZE, user_avatar_height: AVATAR_SIZE };
  }

  async function registeredGroup(): Promise<number> {
    const [row] = await db.rows<{ group_id: number }>(`SELECT group_id FROM ${groups} WHERE group_name = 'REGISTERED' AND group_type = ?`, [GROUP_SPECIAL]);
    return row?.group_id ?? 2;
  }

  async function defaultStyle(): Promise<number> {
    const [row] = await db.rows<{ config_value: string }>(`SELECT config_value FROM ${db.table("config")} WHERE config_name = 'default_style'`).catch(() => []);
    return row && /^\d+$/.test(row.config_value) ? Number(row.config_value) : 1;
  }

  return {
    db,
    groupKey: (name) => name,
    async loadGroups() {
      const rows = await db.rows<{ group_id: number; group_name: string }>(`SELECT group_id, group_name FROM ${groups}`);
      return { byKey: new Map(rows.map((r) => [r.group_name, r.group_id])), names: new Map(rows.map((r) => [r.group_id, r.group_name])) };
    },
    async createGroups(names) {
      const v = ForumDb.values(names.map((n) => [n, n, 0]));
      await db.run(`INSERT INTO ${groups} (group_name, group_desc, group_legend) VALUES ${v.sql}`, v.params);
    },
    async readMembers(ids) {
      const out = new Map<number, ForumMemberState>();
      if (ids.length === 0) return out;
      const rows = await db.rows<{ user_id: number; username: string }>(`SELECT user_id, username FROM ${users} WHERE user_id IN (?)`, [ids]);
      for (const r of rows) out.set(r.user_id, { id: r.user_id, name: r.username, groups: [], kept: [], displayName: null });
      const memberships = await db.rows<{ user_id: number; group_id: number; group_type: number }>(
        `SELECT ug.user_id, ug.group_id, g.group_type FROM ${userGroup} ug JOIN ${groups} g ON g.group_id = ug.group_id WHERE ug.user_id IN (?)`,
        [ids],
      );
      for (const m of memberships) {
        const member = out.get(m.user_id);
        if (member) (m.group_type === GROUP_SPECIAL ? member.kept : member.groups).push(m.group_id);
      }
      return out;
    },
    async writeGroups(changes) {
      for (const part of chunks(changes.flatMap((c) => c.add.map((g) => [g, c.id, 0])), 1000)) {
        const v = ForumDb.values(part);
        await db.run(`INSERT INTO ${userGroup} (group_id, user_id, user_pending) VALUES ${v.sql}`, v.params);
      }
      for (const part of chunks(changes.flatMap((c) => c.remove.map((g) => [c.id, g])), 1000)) {
        const v = ForumDb.values(part);
        await db.run(`DELETE FROM ${userGroup} WHERE (user_id, group_id) IN (${v.sql})`, v.params);
      }
      // phpBB rebuilds a user's permission cache when it is empty.
      for (const part of chunks(changes.map((c) => c.id))) await db.run(`UPDATE ${users} SET user_permissions = '' WHERE user_id IN (?)`, [part]);
    },
    async renameMembers(changes) {
      // username and username_clean together, as the original writes them; phpBB's user_update_name() also
      // refreshes config.newest_username (the cached poster names on topics and forums are not in our tables).
      const taken = await db.rows<{ user_id: number; username_clean: string }>(`SELECT user_id, username_clean FROM ${users} WHERE username_clean IN (?)`, [changes.map((c) => c.to)]);
      const free = changes.filter((c) => !taken.some((t) => t.username_clean === c.to && t.user_id !== c.id));
      const unique = free.filter((c) => free.filter((o) => o.to === c.to).length === 1);
      if (unique.length === 0) return [];
      const values = unique.map((c) => ({ id: c.id, value: c.to }));
      await db.setEach("users", "user_id", "username", values);
      await db.setEach("users", "user_id", "username_clean", values);
      const cases = unique.map(() => "WHEN ? THEN ?").join(" ");
      await db.run(`UPDATE ${db.table("config")} SET config_value = CASE config_value ${cases} END WHERE config_name = 'newest_username' AND config_value IN (?)`, [...unique.flatMap((c) => [c.from, c.to]), unique.map((c) => c.from)]);
      return unique.map((c) => ({ id: c.id, name: c.to }));
    },
    async idsByName(names) {
      // The original wrote username_clean lower-cased; members created here keep the name's case.
      const keys = [...new Set([...names, ...names.map((n) => n.toLowerCase())])];
      const rows = await db.rows<{ user_id: number; username_clean: string }>(`SELECT user_id, username_clean FROM ${users} WHERE username_clean IN (?)`, [keys]);
      return new Map(rows.map((r) => [r.username_clean.toLowerCase(), r.user_id]));
    },
    async createMember(desired, password) {
      const name = desired.name;
      const groupId = await registeredGroup();
      const values = {
        user_email: desired.email ?? "",
        user_password: hash(password),
        user_passchg: unixNow(),
        user_type: USER_NORMAL,
        user_inactive_reason: 0,
        user_inactive_time: 0,
        user_permissions: "",
        group_id: groupId,
        ...(await avatarColumns(desired.characterId)),
      };
      const [existing] = await db.rows<{ user_id: number }>(`SELECT user_id FROM ${users} WHERE username_clean = ?`, [name]);
      let id: number;
      if (existing) {
        id = existing.user_id;
        await db.update("users", values, "user_id = ?", [id]);
      } else {
        id = await db.insert("users", { ...values, username: name, username_clean: name, user_regdate: unixNow(), user_sig: "", user_lang: "en", user_style: await defaultStyle() });
      }
      const [member] = await db.rows(`SELECT 1 AS x FROM ${userGroup} WHERE user_id = ? AND group_id = ?`, [id, groupId]);
      if (!member) await db.run(`INSERT INTO ${userGroup} (group_id, user_id, user_pending) VALUES (?, ?, 0)`, [groupId, id]);
      return { id, name };
    },
    async setPassword(id, password, desired) {
      return (await db.update("users", { user_password: hash(password), user_passchg: unixNow(), ...(await avatarColumns(desired?.characterId)) }, "user_id = ?", [id])) > 0;
    },
    async disableMember(id) {
      const revoked = { user_email: "revoked@localhost", user_password: hash(generatePassword()), user_type: USER_INACTIVE, user_inactive_reason: INACTIVE_MANUAL, user_inactive_time: unixNow(), user_permissions: "" };
      await db.update("users", revoked, "user_id = ?", [id]);
      await db.run(`DELETE FROM ${db.table("sessions_keys")} WHERE user_id = ?`, [id]);
      await db.run(`DELETE FROM ${db.table("sessions")} WHERE session_user_id = ?`, [id]);
      await db.run(`DELETE FROM ${userGroup} WHERE user_id = ?`, [id]);
    },
    async unlinkedHolders(groupIds, linked, cap) {
      const notLinked = linked.size > 0 ? "AND u.user_id NOT IN (?)" : "";
      const rows = await db.rows<{ user_id: number; username: string }>(
        `SELECT DISTINCT u.user_id, u.username FROM ${userGroup} ug JOIN ${users} u ON u.user_id = ug.user_id WHERE ug.group_id IN (?) ${notLinked} ORDER BY u.user_id LIMIT ${Number(cap)}`,
        linked.size > 0 ? [groupIds, [...linked]] : [groupIds],
      );
      return rows.map((r) => `${r.username} (${r.user_id})`);
    },
  };
}
