/**
 * What a Discord call can fail with, classified so callers can tell "the member left" (10007) from
 * "Discord is having a bad minute" (5xx, 429, timeouts) from "fix your setup" (50013, 401).
 */

/** Discord answered with an error status (its JSON `code` when it sent one, else 0). */
export class DiscordApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: number,
    message: string,
    public readonly method: string,
    public readonly route: string,
    /** The parsed JSON error body (50035 carries an `errors` tree). */
    public readonly body: unknown = null,
  ) {
    super(`Discord ${method} ${route} answered ${status}${code ? ` (${code})` : ""}: ${message}`);
    this.name = "DiscordApiError";
  }
  /** 10007 Unknown Member, or 10013 Unknown User (treated alike). */
  get unknownMember() {
    return this.code === 10007 || this.code === 10013;
  }
  get unknownRole() {
    return this.code === 10011;
  }
  get unknownGuild() {
    return this.code === 10004;
  }
  /** 50013: a permission bit is missing, or the target is the owner or above the bot's top role. */
  get missingPermissions() {
    return this.code === 50013;
  }
  /** 50001: the bot is not in the guild, or the GUILD_MEMBERS intent is off (member listing). */
  get missingAccess() {
    return this.code === 50001;
  }
  /** The user's OAuth token can no longer join them (expired, revoked, refreshed, wrong app or scope). */
  get invalidUserToken() {
    return this.code === 50025 || this.code === 50026;
  }
  get banned() {
    return this.code === 40007;
  }
  /** 401: the bot token (or the user's bearer token) is not accepted. */
  get unauthorized() {
    return this.status === 401;
  }
  /** Worth retrying later: server errors, rate limits, Discord's write limits and overload codes. */
  get transient() {
    return this.status >= 500 || this.status === 429 || [20028, 20029, 40062, 130000].includes(this.code);
  }
}

export type UnavailableReason = "unreachable" | "timeout" | "rate_limited" | "invalid_request_budget" | "cloudflare_ban" | "token_rejected";

/** The call was not made, or got no answer: retry after `retryAt` (when known). Always transient. */
export class DiscordUnavailableError extends Error {
  readonly transient = true;
  constructor(
    public readonly reason: UnavailableReason,
    message: string,
    public readonly retryAt: Date | null = null,
  ) {
    super(message);
    this.name = "DiscordUnavailableError";
  }
}

/** The OAuth2 token endpoint refused (RFC 6749 body: `error`, `error_description`). */
export class DiscordOAuthError extends Error {
  constructor(
    public readonly status: number,
    public readonly error: string,
    public readonly description: string | null,
  ) {
    super(`Discord OAuth2 answered ${status}: ${error}${description ? ` (${description})` : ""}`);
    this.name = "DiscordOAuthError";
  }
  /** The code or refresh token is bad, used, expired or rotated away: the user must link again. */
  get invalidGrant() {
    return this.error === "invalid_grant";
  }
}

export function isTransientDiscordError(error: unknown): boolean {
  return (error instanceof DiscordApiError && error.transient) || error instanceof DiscordUnavailableError;
}
