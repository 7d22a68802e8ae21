/** Table cells the corp stats lists share: a character with portrait, and the zKillboard link. */
import { useTranslation } from "react-i18next";
import { characterPortraitUrl, EveImage, zkillboardUrl } from "../plugin-ui";

export function Pilot({ id, name, size = 32 }: { id: number; name: string; size?: 32 | 64 }) {
  return (
    <span className="flex items-center gap-2">
      <EveImage src={characterPortraitUrl(id, size)} size={size} className="rounded-full" />
      <span data-testid={`pilot-${id}`}>{name}</span>
    </span>
  );
}

export function Killboard({ id }: { id: number }) {
  const { t } = useTranslation();
  return (
    <a href={zkillboardUrl("character", id)} target="_blank" rel="noopener noreferrer" className="rounded bg-red-600 px-2 py-0.5 text-xs text-white hover:bg-red-700">
      {t("corputils.killboard")}
    </a>
  );
}

/** The original's red rows: members not registered here. */
export const unregisteredRow = (row: { registered: boolean }) => (row.registered ? "" : "bg-red-50 dark:bg-red-950");
