/** What the HTTP layer hands to every loader and action. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  csrfToken: string;
  nonce: string;
  /** Per-request memo (current user, permissions). */
  memo: Map<string, Promise<unknown>>;
}

declare module "@remix-run/node" {
  interface AppLoadContext extends RequestContext {}
}
declare module "@remix-run/server-runtime" {
  interface AppLoadContext extends RequestContext {}
}
