/**
 * TeamSpeak 3 ServerQuery wire format: commands are `name key=value … -option` lines, values escaped
 * (`\s` space, `\p` pipe, `\/` slash, `\\` backslash and the C control escapes); replies are lines
 * ending in `\n\r`, data items separated by `|`, closed by `error id=<n> msg=<text>`.
 */
const ESCAPES: Record<string, string> = { "\\": "\\\\", "/": "\\/", " ": "\\s", "|": "\\p", "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v" };
const UNESCAPES: Record<string, string> = Object.fromEntries(Object.entries(ESCAPES).map(([plain, escaped]) => [escaped[1], plain]));

export function escapeValue(value: string | number): string {
  return String(value).replace(/[\\/ |\x07\b\f\n\r\t\v]/g, (c) => ESCAPES[c]);
}

/** One pass, so `\\s` is a backslash followed by `s` (the original's chained replaces get this wrong). */
export function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, (whole, c: string) => UNESCAPES[c] ?? whole);
}

export type ParamValue = string | number | (string | number)[] | undefined;
export type Params = Record<string, ParamValue>;

/** `servergroupaddclient sgid=7 cldbid=1|cldbid=2`: a list value repeats its key across `|`. */
export function encodeCommand(name: string, params: Params = {}, options: string[] = []): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a ServerQuery command: ${name}`);
  const parts = [name];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) parts.push(value.map((v) => `${key}=${escapeValue(v)}`).join("|"));
    else parts.push(`${key}=${escapeValue(value)}`);
  }
  for (const option of options) parts.push(`-${option}`);
  return parts.join(" ");
}

export type Item = Record<string, string>;

/** One key=value list; a bare key has an empty value. The first `=` splits (values may hold `=`). */
export function parseItem(text: string): Item {
  const item: Item = {};
  for (const token of text.split(" ")) {
    if (!token) continue;
    const eq = token.indexOf("=");
    if (eq < 0) item[token] = "";
    else item[token.slice(0, eq)] = unescapeValue(token.slice(eq + 1));
  }
  return item;
}

/** A data line: one or more items separated by `|`. */
export function parseItems(line: string): Item[] {
  return line.split("|").map(parseItem);
}

export interface ErrorLine {
  id: number;
  msg: string;
  extra: Item;
}

/** `error id=0 msg=ok`, with any extra keys (`failed_permid`, `extra_msg`) kept. */
export function parseErrorLine(line: string): ErrorLine | null {
  if (!line.startsWith("error ")) return null;
  const item = parseItem(line.slice(6));
  const { id, msg, ...extra } = item;
  return { id: Number(id ?? -1), msg: msg ?? "", extra };
}

export const LINE_END = "\n\r";
