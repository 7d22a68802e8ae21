/** The signed cookies that carry a session token or a registration in progress. */
import { type Cookie, createCookie } from "@remix-run/node";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import type { Settings } from "~/config.server";
import { deriveKey } from "../modules/auth/crypto.server";

const siteCookies = new WeakMap<Settings, Map<string, Cookie>>();
/** Headers whose parsed value a site cookie remembers (a browser sends the same one with every page). */
const PARSES_KEPT = 256;
/** Longer headers are parsed every time: what is kept stays small whatever clients send. */
const KEPT_HEADER_LENGTH = 1024;

/**
 * `cookie` remembering what it parsed from recent Cookie headers: checking the signature, decoding
 * and JSON-parsing the same header on every page costs more than a lookup. Only scalar values are
 * kept (an object could be changed by its caller); a header with another signature is another key.
 */
function rememberParses(cookie: Cookie): Cookie {
  const parse = cookie.parse.bind(cookie);
  const seen = new Map<string, string | number | boolean | null>();
  cookie.parse = async (header, options) => {
    if (header === null || options !== undefined || header.length > KEPT_HEADER_LENGTH) return parse(header, options);
    const known = seen.get(header);
    if (known !== undefined) return known;
    const value: unknown = await parse(header);
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      if (seen.size >= PARSES_KEPT) seen.clear();
      seen.set(header, value);
    }
    return value;
  };
  return cookie;
}

/**
 * A signed, HTTP-only cookie of the whole site (`__Host-` prefixed over HTTPS), its key derived for
 * its purpose; made once per settings, name and purpose (every request reads two of them), and
 * remembering its recent parses.
 */
export function siteCookie(settings: Settings, name: string, purpose: string): Cookie {
  let made = siteCookies.get(settings);
  if (!made) siteCookies.set(settings, (made = new Map()));
  const id = `${name}\0${purpose}`;
  let cookie = made.get(id);
  if (!cookie) {
    cookie = rememberParses(
      createCookie(settings.secureCookies ? `__Host-${name}` : name, {
        httpOnly: true,
        sameSite: "lax",
        secure: settings.secureCookies,
        path: "/",
        secrets: [deriveKey(settings.SECRET_KEY, purpose)],
      }),
    );
    made.set(id, cookie);
  }
  return cookie;
}

export const sessionCookie = (settings: Settings) => siteCookie(settings, "aa_session", "session-cookie");

/** A signed, HTTP-only cookie of the registration pages (path /account), its key derived for its purpose. */
function accountCookie(settings: Settings, name: string, purpose: string, maxAge: number) {
  return createCookie(name, {
    path: "/account",
    httpOnly: true,
    sameSite: "lax",
    secure: settings.secureCookies,
    maxAge,
    secrets: [deriveKey(settings.SECRET_KEY, purpose)],
  });
}

export const registrationCookie = (settings: Settings) => accountCookie(settings, "aa_registration", "registration-cookie", 3600);

/**
 * Development outbox only: "this browser registered user N", kept after the registration cookie is
 * cleared so the registrant can read their activation email on /account/outbox (and nobody else's).
 */
export const outboxReaderCookie = (settings: Settings) => accountCookie(settings, "aa_outbox_reader", "outbox-reader-cookie", settings.ACCOUNT_ACTIVATION_DAYS * 86_400);

/**
 * "This browser asked for user N's activation email": opening the link in the same browser logs the
 * member in (the SSO login that started the registration happened here); any other browser goes to
 * the login page.
 */
export const activationBrowserCookie = (settings: Settings) => accountCookie(settings, "aa_activation", "activation-browser-cookie", settings.ACCOUNT_ACTIVATION_DAYS * 86_400);

/** The user this browser is registering, if still mid-registration. */
export async function pendingRegistration(db: Kysely<DB>, settings: Settings, request: Request) {
  const value = await registrationCookie(settings).parse(request.headers.get("Cookie"));
  if (typeof value !== "number") return null;
  const user = await db.selectFrom("users").selectAll().where("id", "=", value).executeTakeFirst();
  if (!user || user.is_active || user.email) return null;
  return user;
}
