/**
 * Strict integers for ids and numbers typed into the admin: plain decimal digits with an optional
 * minus sign, nothing else ("1e3", "0x10", " 1", "1.0" are refused), within the column's range, so
 * neither NaN nor 1e+23 ever reaches SQL.
 */
export const INT_MAX = 2_147_483_647;
/** EVE ids (characters, corporations, alliances, factions) are stored as bigint. */
export const EVE_ID_MAX = Number.MAX_SAFE_INTEGER;

export function strictInt(raw: string, min: number, max: number): number | null {
  if (!/^-?(0|[1-9][0-9]{0,15})$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/** A positive id within `max` (an integer column unless told otherwise), or null. */
export function strictId(raw: string, max = INT_MAX): number | null {
  return strictInt(raw, 1, max);
}
