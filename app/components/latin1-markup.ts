/**
 * Text as HTML whose characters are all Latin-1: the others as numeric character references, which
 * the browser reads back as the same text. V8 keeps a string in one byte per character only while
 * every character is Latin-1; one other character makes the whole page it ends up in two bytes per
 * character (twice the memory, slower to join and to encode). On a page in English, German or
 * Spanish the language switcher's 简体中文 was the only such text. Decision 0069.
 */
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };

export function latin1Markup(text: string): string {
  return text.replace(/[&<>"']|[^\u0000-\u00ff]/gu, (char) => ESCAPES[char] ?? `&#x${char.codePointAt(0)!.toString(16).toUpperCase()};`);
}

/** Whether text has a character outside Latin-1 (so it is worth writing as `latin1Markup`). */
export function beyondLatin1(text: string): boolean {
  return /[^\u0000-\u00ff]/.test(text);
}
