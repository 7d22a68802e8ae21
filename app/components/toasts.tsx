import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { RootData } from "./root-data";
import { useHydrated } from "./use-hydrated";

const STYLES = {
  info: "border-sky-300 bg-sky-50 text-sky-900 dark:bg-sky-950 dark:text-sky-100",
  success: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
  warning: "border-amber-300 bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100",
  danger: "border-red-300 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100",
} as const;

/**
 * Flash messages, at the top of the page in the document flow: they never cover a button, with or
 * without JavaScript (a floating toast cannot be moved out of the way without it). With JavaScript
 * each has a dismiss button; nothing disappears on its own, so the page never shifts under the pointer.
 */
export function Toasts({ messages }: { messages: RootData["flash"] }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const [dismissed, setDismissed] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => setDismissed(new Set()), [messages]);
  const shown = messages.map((m, i) => ({ m, i })).filter(({ i }) => !dismissed.has(i));
  if (shown.length === 0) return null;
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 pt-3" role="status" aria-live="polite" data-testid="toasts">
      {shown.map(({ m, i }) => (
        <div key={i} className={`flex items-start gap-3 rounded-md border px-4 py-3 text-sm ${STYLES[m.level]}`}>
          <span className="min-w-0 flex-1 break-words" data-testid={`toast-${m.level}`}>
            {t(m.key, m.params)}
          </span>
          {hydrated ? (
            <button
              type="button"
              className="-my-1 shrink-0 rounded px-1 text-base leading-none opacity-70 hover:opacity-100"
              aria-label={t("common.dismiss")}
              title={t("common.dismiss")}
              onClick={() => setDismissed((prev) => new Set(prev).add(i))}
              data-testid="toast-dismiss"
            >
              ×
            </button>
          ) : null}
        </div>
      ))}
    </div>
  );
}
