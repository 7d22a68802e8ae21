/** A page's title with, on its right, the one link the viewer may follow from it (add, create …). */
import { Link } from "@remix-run/react";

export interface PageAction {
  to: string;
  label: string;
  testId: string;
}

export function PageHeader({ title, action }: { title: string; action?: PageAction | false | null }) {
  return (
    <div className="flex items-center justify-between">
      <h1 className="text-2xl font-semibold">{title}</h1>
      {action ? (
        <Link to={action.to} className="btn-primary" data-testid={action.testId}>
          {action.label}
        </Link>
      ) : null}
    </div>
  );
}
