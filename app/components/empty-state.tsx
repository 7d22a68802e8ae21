/** What a list shows when it has nothing: one look everywhere (an icon and a muted sentence, centred). */
import type { ReactNode } from "react";
import { Icon } from "./icon";
import type { IconName } from "~/modules/menu/icon-names";

export function EmptyState({ children, icon = "inbox", testId }: { children: ReactNode; icon?: IconName; testId?: string }) {
  return (
    <div className="flex flex-col items-center gap-2 px-2 py-6 text-center text-sm text-slate-500 dark:text-slate-400" data-testid={testId}>
      <Icon name={icon} size={24} className="shrink-0" />
      <div>{children}</div>
    </div>
  );
}

/**
 * The empty state as the single row of a table. A table wider than a phone scrolls sideways: the
 * state is kept at the scroll box's left edge and no wider than the screen, so it is seen, not centred
 * somewhere off to the right.
 */
export function EmptyRow({ colSpan, children, testId }: { colSpan: number; children: ReactNode; testId?: string }) {
  return (
    <tr>
      <td colSpan={colSpan} data-testid={testId}>
        <div className="sticky left-0 max-w-[calc(100vw-2rem)]">
          <EmptyState>{children}</EmptyState>
        </div>
      </td>
    </tr>
  );
}
