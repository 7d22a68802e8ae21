import { useTranslation } from "react-i18next";

const STYLES = {
  info: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  success: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  warning: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  danger: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
} as const;

/** A notification's level as a small coloured label (text, not colour alone). */
export function LevelBadge({ level }: { level: keyof typeof STYLES }) {
  const { t } = useTranslation();
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STYLES[level] ?? STYLES.info}`} data-testid="notification-level" data-level={level}>
      {t(`notifications.level.${level}`)}
    </span>
  );
}
