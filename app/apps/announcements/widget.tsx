/** The member's current announcements, above the dashboard's panels, each with a dismiss button (a plain form: works without JavaScript). */
import { useTranslation } from "react-i18next";
import { LevelBadge, PostForm } from "../plugin-ui";
import type { ActiveAnnouncement } from "./announcements.server";

const BORDER = { info: "border-sky-500", success: "border-emerald-500", warning: "border-amber-500", danger: "border-red-500" } as const;

export function AnnouncementsWidget({ data }: { data: ActiveAnnouncement[] }) {
  const { t } = useTranslation();
  return (
    <section aria-label={t("announcements.title")} className="space-y-3" data-testid="announcements">
      {data.map((a) => (
        <article key={a.id} className={`card border-l-4 ${BORDER[a.level] ?? BORDER.info}`} data-testid="announcement" data-id={a.id}>
          <div className="flex flex-wrap items-start justify-between gap-2">
            <h2 className="flex items-center gap-2 text-lg font-semibold">
              <LevelBadge level={a.level} />
              <span>{a.title}</span>
            </h2>
            <PostForm action={`/announcements/${a.id}/dismiss`}>
              <button type="submit" className="btn-secondary text-sm" data-testid="announcement-dismiss">
                {t("announcements.dismiss")}
              </button>
            </PostForm>
          </div>
          <p className="mt-2 whitespace-pre-line break-words text-sm">{a.message}</p>
        </article>
      ))}
    </section>
  );
}
