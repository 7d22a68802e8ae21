import type { RequestMemo } from "../modules/memo";
/** What the HTTP layer hands to every loader and action. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  csrfToken: string;
  nonce: string;
  /** Per-request memo (current user, permissions, figures two loaders both show). */
  memo: RequestMemo;
  /** A background poll: it must not count as activity (the session's idle timer is not reset). */
  background?: boolean;
  /** Set when the HTTP layer refused the request; it then renders REFUSAL_PATH with this status. */
  refusal?: Refusal;
}

/** The value of `key` for this request: computed once, shared by the HTTP layer, every loader and the domain. */
export { memoised } from "../modules/memo";

export interface Refusal {
  status: 400 | 403 | 429;
  /** An `errors.reason.*` key the error page shows. */
  reason: string;
  retryAfterSeconds?: number;
}

/** The route the HTTP layer renders for a refused request (no loader or action of the target runs). */
export const REFUSAL_PATH = "/request-refused";

declare module "@remix-run/node" {
  interface AppLoadContext extends RequestContext {}
}
declare module "@remix-run/server-runtime" {
  interface AppLoadContext extends RequestContext {}
}
