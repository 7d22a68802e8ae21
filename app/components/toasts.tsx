import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { RootData } from "./root-data";

const STYLES = {
  info: "border-sky-300 bg-sky-50 text-sky-900 dark:bg-sky-950 dark:text-sky-100",
  success: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
  warning: "border-amber-300 bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100",
  danger: "border-red-300 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100",
} as const;

/** Flash messages. Without JavaScript they stay on the page; with it they fade after a few seconds. */
export function Toasts({ messages }: { messages: RootData["flash"] }) {
  const { t } = useTranslation();
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    setHidden(false);
    if (messages.length === 0) return;
    const timer = setTimeout(() => setHidden(true), 6000);
    return () => clearTimeout(timer);
  }, [messages]);
  if (messages.length === 0 || hidden) return null;
  return (
    <div className="fixed bottom-4 right-4 z-50 flex flex-col gap-2" role="status" aria-live="polite">
      {messages.map((m, i) => (
        <div key={i} className={`rounded-md border px-4 py-3 text-sm shadow ${STYLES[m.level]}`} data-testid={`toast-${m.level}`}>
          {t(m.key, m.params)}
        </div>
      ))}
    </div>
  );
}
