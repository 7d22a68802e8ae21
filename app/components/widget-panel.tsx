/** A dashboard widget's panel: a card whose heading links to the app's page (apps' widgets, app/apps/widgets.tsx). */
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

export function WidgetPanel({ testId, title, to, children }: { testId: string; title: string; to: string; children: ReactNode }) {
  return (
    <section className="card" data-testid={testId}>
      <h2 className="text-lg font-semibold">
        <Link to={to} className="hover:underline">
          {title}
        </Link>
      </h2>
      {children}
    </section>
  );
}
