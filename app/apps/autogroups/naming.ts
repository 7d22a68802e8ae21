/** Auto-group names (behaviour reference §3.8): prefix + name or ticker, spaces optionally replaced. Client-safe. */
export const KINDS = ["corp", "alliance"] as const;
export type Kind = (typeof KINDS)[number];
export const NAME_SOURCES = ["name", "ticker"] as const;
export type NameSource = (typeof NAME_SOURCES)[number];

export interface NamingConfig {
  corp_group_prefix: string;
  corp_name_source: NameSource;
  alliance_group_prefix: string;
  alliance_name_source: NameSource;
  replace_spaces: boolean;
  replace_spaces_with: string;
}

/** The group name for a corporation or alliance under this config. */
export function groupName(config: NamingConfig, kind: Kind, entity: { name: string; ticker: string }): string {
  const prefix = kind === "corp" ? config.corp_group_prefix : config.alliance_group_prefix;
  const source = kind === "corp" ? config.corp_name_source : config.alliance_name_source;
  const name = prefix + (source === "ticker" ? entity.ticker : entity.name);
  // As the original: the whole name is trimmed, then every space replaced (possibly by nothing).
  return config.replace_spaces ? name.trim().split(" ").join(config.replace_spaces_with) : name;
}
