/**
 * What a ServerQuery call can fail with. Ts3Error is the server's own `error id=… msg=…`;
 * Ts3UnavailableError means no answer (unreachable, dropped, timed out, flood-banned). The original's
 * troubleshooting cases map to an explanation an admin can act on (never a stack trace).
 */
export class Ts3Error extends Error {
  constructor(
    public readonly id: number,
    public readonly msg: string,
    public readonly command: string,
    public readonly extra: Record<string, string> = {},
  ) {
    super(`TeamSpeak 3 ${command}: error ${id} ${msg}${extra.extra_msg ? ` (${extra.extra_msg})` : ""}`);
    this.name = "Ts3Error";
  }
  /** 1281 database empty result set (customsearch, servergroupsbyclientid with nothing to show). */
  get emptyResult() {
    return this.id === 1281 || this.id === 2563;
  }
  get transient() {
    return this.id === 524 || this.id === 3331 || this.id === 3329 || this.id === 1793;
  }
}

export type UnavailableReason = "unreachable" | "timeout" | "connection_lost" | "flood_ban" | "not_configured";

/** No answer: the call was not made or not completed. Always worth retrying (after `retryAt` when known). */
export class Ts3UnavailableError extends Error {
  readonly transient = true;
  readonly retryAt: Date | null;
  constructor(readonly reason: UnavailableReason, message: string, retryAt?: Date) {
    super(message);
    this.name = "Ts3UnavailableError";
    this.retryAt = retryAt ?? null;
  }
}

/** Seconds named in `extra_msg` ("you may retry in 600 seconds", "please wait 1 seconds"), if any. */
export function retrySeconds(extra: Record<string, string>, fallback: number): number {
  const match = /(\d+)\s*second/.exec(`${extra.extra_msg ?? ""} ${extra.msg ?? ""}`);
  return match ? Number(match[1]) : fallback;
}

/** The original's troubleshooting topics, one i18n key each (teamspeak3.trouble.<topic>). */
export type Ts3Trouble = "login" | "permissions" | "floodBan" | "defaultGroup" | "virtualServer" | "unreachable" | "unknown";

export function troubleOf(error: unknown): Ts3Trouble | null {
  if (error instanceof Ts3UnavailableError) return error.reason === "flood_ban" ? "floodBan" : error.reason === "not_configured" ? null : "unreachable";
  if (!(error instanceof Ts3Error)) return error ? "unknown" : null;
  switch (error.id) {
    case 520:
      return "login";
    case 2568:
      return "permissions";
    case 3331:
    case 3329:
    case 524:
      return "floodBan";
    case 2564:
      return "defaultGroup";
    case 1024:
    case 1033:
      return "virtualServer";
    default:
      return "unknown";
  }
}

export function isTransientTs3Error(error: unknown) {
  return error instanceof Ts3UnavailableError || (error instanceof Ts3Error && error.transient);
}
