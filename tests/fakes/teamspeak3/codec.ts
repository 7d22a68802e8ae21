/**
 * The fake's own reading and writing of ServerQuery lines (written apart from the connector's, so a
 * mistake in one is caught by the other): escape table from the ServerQuery manual, `\n\r` endings.
 */
const TABLE: [string, string][] = [
  ["\\", "\\\\"],
  ["/", "\\/"],
  [" ", "\\s"],
  ["|", "\\p"],
  ["\x07", "\\a"],
  ["\b", "\\b"],
  ["\f", "\\f"],
  ["\n", "\\n"],
  ["\r", "\\r"],
  ["\t", "\\t"],
  ["\v", "\\v"],
];

export function esc(value: string | number): string {
  let out = "";
  for (const ch of String(value)) out += TABLE.find(([plain]) => plain === ch)?.[1] ?? ch;
  return out;
}

export function unesc(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === "\\" && i + 1 < value.length) {
      const pair = value.slice(i, i + 2);
      const hit = TABLE.find(([, escaped]) => escaped === pair);
      if (hit) {
        out += hit[0];
        i++;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

export interface Request {
  command: string;
  /** One parameter set per `|`-separated block (`cldbid=1|cldbid=2`); keys outside repeat into each. */
  blocks: Record<string, string>[];
  flags: Set<string>;
}

export function parseRequest(line: string): Request {
  const words = line.trim().split(" ").filter(Boolean);
  const command = (words.shift() ?? "").toLowerCase();
  const flags = new Set<string>();
  const shared: Record<string, string> = {};
  let lists: Record<string, string>[] = [];
  for (const word of words) {
    if (word.startsWith("-") && !word.includes("=")) {
      flags.add(word.slice(1));
      continue;
    }
    const pieces = word.split("|");
    const parsed = pieces.map((p) => {
      const eq = p.indexOf("=");
      return eq < 0 ? [p, ""] : [p.slice(0, eq), unesc(p.slice(eq + 1))];
    });
    if (parsed.length > 1) lists = parsed.map(([k, v], i) => ({ ...(lists[i] ?? {}), [k]: v }));
    else shared[parsed[0][0]] = parsed[0][1];
  }
  const blocks = lists.length ? lists.map((b) => ({ ...shared, ...b })) : [shared];
  return { command, blocks, flags };
}

export type Row = Record<string, string | number>;

/** Items joined by `|`; keys in insertion order; an empty value keeps `key=` (never a bare key). */
export function formatRows(rows: Row[]): string {
  return rows.map((row) => Object.entries(row).map(([k, v]) => `${k}=${esc(v)}`).join(" ")).join("|");
}

export function errorLine(id: number, msg: string, extra: Row = {}): string {
  return [`error id=${id} msg=${esc(msg)}`, ...Object.entries(extra).map(([k, v]) => `${k}=${esc(v)}`)].join(" ");
}

export const EOL = "\n\r";
