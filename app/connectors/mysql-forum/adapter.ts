/** What each forum (phpBB3, SMF, IPS4) tells the shared database connector. */
import type { DesiredAccount } from "~/modules/services/contract";
import type { ForumDb } from "./db.server";

export interface ForumGroupBook {
  /** Group id by the forum's comparison key of its name. */
  byKey: Map<string, number>;
  /** Group name by id. */
  names: Map<number, string>;
}

export interface ForumMemberState {
  id: number;
  name: string;
  /** Group memberships the sync may change (built-in groups left out). */
  groups: number[];
  /** Built-in memberships the sync keeps (phpBB special groups, SMF's administrators …). */
  kept: number[];
  displayName: string | null;
}

export interface GroupChange {
  id: number;
  add: number[];
  remove: number[];
  /** The full list afterwards (for forums that store a comma list). */
  next: number[];
}

export interface ForumAdapter {
  db: ForumDb;
  /** How the forum compares group names (phpBB: exactly; SMF, IPS4: case-insensitively). */
  groupKey(name: string): string;
  loadGroups(): Promise<ForumGroupBook>;
  /** Creates groups (where the original creates them); absent: names without a group are skipped. */
  createGroups?(names: string[]): Promise<void>;
  readMembers(ids: number[]): Promise<Map<number, ForumMemberState>>;
  /** Member ids by login name (lower-cased keys), for accounts that know only the name (imported from Alliance Auth). */
  idsByName?(names: string[]): Promise<Map<string, number>>;
  writeGroups(changes: GroupChange[]): Promise<void>;
  /** Display-name sync (SMF's real_name); absent where the forum has none apart from the login. */
  writeDisplayNames?(changes: { id: number; displayName: string }[]): Promise<void>;
  /**
   * Renames members whose login name no longer follows the name format (phpBB3 username, IPS4 name);
   * a name another member holds is left alone. Returns the renames done.
   */
  renameMembers?(changes: { id: number; from: string; to: string }[]): Promise<{ id: number; name: string }[]>;
  /** Creates the member, or re-enables the one of that name; returns its id and login name. */
  createMember(desired: DesiredAccount, password: string): Promise<{ id: number; name: string }>;
  setPassword(id: number, password: string, desired: DesiredAccount | null): Promise<boolean>;
  /** Revokes the email, scrambles the password, ends the sessions, removes every group. */
  disableMember(id: number): Promise<void>;
  /** Members holding one of `groupIds` that are not in `linked` (names, capped). */
  unlinkedHolders(groupIds: number[], linked: Set<number>, cap: number): Promise<string[]>;
}
