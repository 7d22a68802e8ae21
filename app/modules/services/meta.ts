/**
 * What a connector is, without any of its code: the part of the contract that is safe to import
 * anywhere (client bundles, the permission catalogue, the admin's name-format form). Each connector
 * folder has a `meta.ts` exporting one ConnectorMeta; app/connectors/catalogue.ts lists them.
 */
import type { PermissionDeclaration } from "../auth/permission-types";

/** The actions a services-page row can offer (the original's auth_activate/… URLs). */
export type ServiceAction = "activate" | "deactivate" | "reset_password" | "set_password" | "reset" | "verify";

export interface ConnectorMeta {
  /** Stable id: folder name, task namespace (`<id>.update_groups`), queue name, service_accounts.service. */
  id: string;
  /** The original's `title` (name.title(), with the product's own spelling). */
  title: string;
  /** The original's access permission (`discord.access_discord`, …). */
  accessPermission: PermissionDeclaration;
  /** The original's per-service default name format (used when no NameFormatConfig matches). */
  defaultNameFormat: string;
  /** Applied after formatting: each service's own character rules and length limit. */
  sanitiseName(name: string): string;
  /** How our group and state names become remote group/role names. */
  sanitiseGroupName(name: string): string;
  /** Actions the service supports once an account exists (activate is offered when none exists). */
  accountActions: ServiceAction[];
  /** Hooks the original overrides for this service: drives the admin's bulk actions. */
  syncsGroups: boolean;
  syncsNicknames: boolean;
}

const cut = (max: number) => (s: string) => [...s].slice(0, max).join("");
const underscoreSpacesAndQuotes = (s: string) => s.replace(/[ ']/g, "_").toLowerCase();
const wordGroup = (s: string) => s.replace(/^[ _]+|[ _]+$/g, "").replace(/[^\p{L}\p{N}_.-]/gu, "");

export const sanitisers = {
  /** Discord: nickname 1–32 characters; role name up to 100. */
  discordNick: cut(32),
  discordRole: cut(100),
  /** Mumble display names are unique; groups use `-` for spaces. */
  mumbleName: cut(128),
  mumbleGroup: (s: string) => s.replace(/ /g, "-"),
  /** TeamSpeak 3 nicknames and group names are at most 30 characters. */
  ts3Name: cut(30),
  /** phpBB3 / SMF: spaces and `'` become `_`, lower-cased; groups keep `[\w.-]` only. */
  forumName: (s: string) => cut(255)(underscoreSpacesAndQuotes(s)),
  forumGroup: wordGroup,
  /** Discourse: spaces → `_`, `'` removed, trimmed of ` _`, 20 characters; groups `[\w]` only, at least 3. */
  discourseName: (s: string) => cut(20)(s.replace(/ /g, "_").replace(/'/g, "").replace(/^[ _]+/, "")).replace(/[ _]+$/, ""),
  discourseGroup: (s: string) => {
    const name = cut(20)(s.replace(/[^\p{L}\p{N}_]/gu, "").replace(/^[ _]+/, "")).replace(/[ _]+$/, "");
    // The original prefixes "Group " and sanitises again before Discourse sees it, which drops the space.
    return name.length < 3 ? `Group${name}` : name;
  },
  /** Openfire: XEP-0106 escaping of the node part; groups lower-case `[\w.-]`. */
  openfireName: (s: string) =>
    s
      .trim()
      .replace(/\\/g, "\\5c")
      .replace(/"/g, "\\22")
      .replace(/&/g, "\\26")
      .replace(/'/g, "\\27")
      .replace(/\//g, "\\2f")
      .replace(/:/g, "\\3a")
      .replace(/</g, "\\3c")
      .replace(/>/g, "\\3e")
      .replace(/@/g, "\\40")
      .replace(/[\u007f\ufffe\uffff]/g, "")
      .replace(/ /g, "\\20"),
  openfireGroup: (s: string) => wordGroup(s).toLowerCase(),
  plain: (s: string) => s,
} as const;

export function accessPermission(id: string, title: string): PermissionDeclaration {
  return { appLabel: id, codename: `access_${id}`, name: `Can access the ${title} service` };
}
