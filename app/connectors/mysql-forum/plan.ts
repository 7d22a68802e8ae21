/** Group plans for one member: which managed memberships to add and remove. Pure. */
import type { ForumGroupBook, ForumMemberState, GroupChange } from "./adapter";

export function wantedIds(book: ForumGroupBook, key: (name: string) => string, names: string[]): { ids: number[]; missing: string[] } {
  const ids: number[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const id = book.byKey.get(key(name));
    if (id === undefined) missing.push(name);
    else if (!ids.includes(id)) ids.push(id);
  }
  return { ids, missing };
}

/** Null when the member already holds exactly the wanted groups (built-ins aside). */
export function planGroups(member: ForumMemberState, wanted: number[]): GroupChange | null {
  const current = new Set(member.groups);
  const want = new Set(wanted.filter((id) => !member.kept.includes(id)));
  const add = [...want].filter((id) => !current.has(id));
  const remove = [...current].filter((id) => !want.has(id));
  if (add.length === 0 && remove.length === 0) return null;
  return { id: member.id, add, remove, next: [...member.kept, ...want] };
}

export function commaIds(value: string | null | undefined): number[] {
  return (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter((v) => /^\d+$/.test(v))
    .map(Number);
}
