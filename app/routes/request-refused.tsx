import { json, type LoaderFunctionArgs } from "@remix-run/node";

/**
 * The HTTP layer renders this route when it refuses a request before any route runs: bad input
 * (400), a failed CSRF check (403), a rate limit (429). Visited directly, it does not exist.
 */
export async function loader({ context }: LoaderFunctionArgs) {
  const refusal = context.refusal;
  if (!refusal) throw new Response("Not Found", { status: 404 });
  // The HTTP layer sets Retry-After on the response itself.
  throw json({ reason: refusal.reason, retryAfterSeconds: refusal.retryAfterSeconds ?? null }, { status: refusal.status });
}

export default function RequestRefused() {
  return null;
}
