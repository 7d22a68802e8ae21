/** EVE time (UTC) in forms: `YYYY-MM-DDTHH:MM`, the value of a datetime-local field read as UTC. */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;

/** The date an EVE-time field names, or null when it is no real date. */
export function parseEveTime(value: string): Date | null {
  const m = DATETIME.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && y >= 2003 && y <= 9999 ? date : null;
}

/** The value an EVE-time field shows for a date. */
export function eveTimeField(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** A trimmed text field of a submitted form ("" when absent or not text). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}
