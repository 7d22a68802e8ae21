/**
 * A loss as SRP needs it: the kill id read from a zKillboard or ESI link, its hash and value from
 * zKillboard (`/api/killID/{id}/`), its victim and ship from ESI (`/killmails/{id}/{hash}/`).
 */
import type { Settings } from "~/config.server";
import { type EsiClient, eveUserAgent } from "~/modules/eve/esi-client.server";
import { request } from "~/modules/ops/undici.server";

export interface KillLink {
  killId: number;
  /** Given by an ESI link; a zKillboard link leaves it to zKillboard. */
  hash: string | null;
}

export interface Loss {
  killId: number;
  victimCharacterId: number | null;
  shipTypeId: number;
  shipName: string;
  totalValue: number;
}

/** Thrown with an i18n key for the member (srp.errors.*). */
export class KillmailError extends Error {}

/** The kill id (and hash) of a zKillboard or ESI killmail link, or null when it is neither. */
export function parseKillLink(link: string): KillLink | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const zkb = /^\/kill\/(\d{1,12})\/?$/.exec(url.pathname);
  if (/(^|\.)zkillboard\.com$/i.test(url.hostname) && zkb) return { killId: Number(zkb[1]), hash: null };
  const esi = /^\/(?:latest|v\d+|dev|legacy)?\/?killmails\/(\d{1,12})\/([0-9a-f]{40})\/?$/i.exec(url.pathname);
  if (/(^|\.)evetech\.net$/i.test(url.hostname) && esi) return { killId: Number(esi[1]), hash: esi[2].toLowerCase() };
  return null;
}

async function zkillboard(settings: Pick<Settings, "ZKILLBOARD_API_URL" | "ESI_USER_CONTACT_EMAIL" | "ESI_TIMEOUT_SECONDS">, killId: number) {
  const url = `${settings.ZKILLBOARD_API_URL.replace(/\/+$/, "")}/killID/${killId}/`;
  let response;
  try {
    response = await request(url, { headers: { "user-agent": eveUserAgent(settings), accept: "application/json", "accept-encoding": "gzip" }, headersTimeout: settings.ESI_TIMEOUT_SECONDS * 1000, bodyTimeout: settings.ESI_TIMEOUT_SECONDS * 1000 });
  } catch {
    throw new KillmailError("srp.errors.zkbDown");
  }
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new KillmailError("srp.errors.zkbDown");
  const rows = JSON.parse(text) as { killmail_id: number; zkb: { hash: string; totalValue: number } }[];
  return Array.isArray(rows) ? (rows.find((r) => r.killmail_id === killId) ?? null) : null;
}

/** Reads the loss behind a link (zKillboard for hash and value, ESI for victim and ship). */
export async function fetchLoss(settings: Settings, esi: EsiClient, link: KillLink): Promise<Loss> {
  const zkb = await zkillboard(settings, link.killId);
  if (!zkb) throw new KillmailError("srp.errors.unknownKill");
  const hash = link.hash ?? zkb.zkb.hash;
  let killmail;
  try {
    killmail = (await esi.get<{ victim: { character_id?: number; ship_type_id: number } }>(`/killmails/${link.killId}/${hash}`)).data;
  } catch {
    throw new KillmailError("srp.errors.esiKill");
  }
  const typeId = killmail.victim.ship_type_id;
  let shipName = `#${typeId}`;
  try {
    const names = await esi.post<{ id: number; name: string }[]>("/universe/names", [typeId]);
    shipName = names.find((n) => n.id === typeId)?.name ?? shipName;
  } catch {
    // A name is nice to have; the type id stands in.
  }
  return { killId: link.killId, victimCharacterId: killmail.victim.character_id ?? null, shipTypeId: typeId, shipName, totalValue: Math.round(zkb.zkb.totalValue) };
}
