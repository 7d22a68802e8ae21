import type { EveCharacter } from "../../db/schema";
import { createContext, useContext } from "react";
import { useTranslation } from "react-i18next";
import { allianceLogoUrl, characterPortraitUrl, corporationLogoUrl, demoImageUrl, dotlanAllianceUrl, dotlanCorporationUrl, evewhoUrl, zkillboardUrl } from "~/modules/eve/evelinks";

export type CharacterCardData = Omit<EveCharacter, "id" | "updated_at" | "faction_id" | "faction_name">;

function ExternalLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="text-sky-700 hover:underline dark:text-sky-400">
      {children}
    </a>
  );
}

/** True in demo mode (set by the root layout from its loader): EveImage shows the local placeholders. */
export const DemoImages = createContext(false);

/**
 * An image from the EVE image server. Decorative (alt=""), lazy, with its size reserved and a neutral
 * background: when the image server cannot be reached the box stays a quiet placeholder (an image
 * with empty alt text shows no broken-image icon), with or without JavaScript. In demo mode the fake
 * world's ids mean nothing to the image server: a local placeholder with the entity's initials is shown.
 */
export function EveImage({ src, size, className = "" }: { src: string; size: number; className?: string }) {
  const local = useContext(DemoImages);
  return <img src={local ? demoImageUrl(src) : src} alt="" width={size} height={size} loading="lazy" decoding="async" className={`inline-block shrink-0 bg-slate-200 dark:bg-slate-700 ${className}`} />;
}

/** A character with portrait, corporation and alliance logos and the usual external links. */
export function CharacterSummary({ character, size = 64 }: { character: CharacterCardData; size?: 32 | 64 | 128 }) {
  const { t } = useTranslation();
  return (
    <div className="flex items-start gap-3">
      <EveImage src={characterPortraitUrl(character.character_id, size)} size={size} className="rounded" />
      <div className="min-w-0 text-sm">
        <p className="font-semibold" data-testid={`character-name-${character.character_id}`}>
          {character.character_name}
        </p>
        <p className="flex items-center gap-1 text-slate-600 dark:text-slate-300">
          <EveImage src={corporationLogoUrl(character.corporation_id, 32)} size={16} className="rounded-sm" />
          {character.corporation_name} [{character.corporation_ticker}]
        </p>
        {character.alliance_id ? (
          <p className="flex items-center gap-1 text-slate-600 dark:text-slate-300">
            <EveImage src={allianceLogoUrl(character.alliance_id, 32)} size={16} className="rounded-sm" />
            {character.alliance_name} [{character.alliance_ticker}]
          </p>
        ) : null}
        <p className="mt-1 flex flex-wrap gap-2 text-xs">
          <ExternalLink href={evewhoUrl("character", character.character_id)}>{t("characters.links.evewho")}</ExternalLink>
          <ExternalLink href={zkillboardUrl("character", character.character_id)}>{t("characters.links.zkillboard")}</ExternalLink>
          <ExternalLink href={dotlanCorporationUrl(character.corporation_name)}>{t("characters.links.dotlanCorp")}</ExternalLink>
          {character.alliance_name ? <ExternalLink href={dotlanAllianceUrl(character.alliance_name)}>{t("characters.links.dotlanAlliance")}</ExternalLink> : null}
        </p>
      </div>
    </div>
  );
}
