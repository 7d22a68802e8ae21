import { json } from "@remix-run/node";

/** The HTTP layer renders this route with status 403 when a request fails the CSRF check. */
export async function loader() {
  throw json({ reason: "csrf" }, { status: 403 });
}

export default function CsrfFailed() {
  return null;
}
