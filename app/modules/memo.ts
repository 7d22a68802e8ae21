/** A per-request memo: the HTTP layer makes one Map per request and hands it to loaders (and, through them, to the domain). */
export type RequestMemo = Map<string, Promise<unknown>>;

/** The value of `key` in this memo: computed once, shared by everyone holding the memo. */
export function memoised<T>(holder: { memo: RequestMemo }, key: string, compute: () => Promise<T>): Promise<T> {
  let pending = holder.memo.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = compute();
    holder.memo.set(key, pending);
  }
  return pending;
}

/** `memoised` when a memo is given, `compute()` otherwise (callers outside a request). */
export function memoisedIn<T>(memo: RequestMemo | undefined, key: string, compute: () => Promise<T>): Promise<T> {
  return memo ? memoised({ memo }, key, compute) : compute();
}
