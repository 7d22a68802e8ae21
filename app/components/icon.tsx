/**
 * The site's icons: every name in `ICON_NAMES` (app/modules/menu/icon-names.ts) resolves here to one
 * lucide-react icon (docs/decisions/0041). Rendered as inline SVG on the server (no icon font, no
 * request); only the icons named here reach the browser bundle.
 */
import {
  Bell,
  BookOpen,
  Building2,
  CalendarDays,
  ChartColumn,
  Clock,
  Coins,
  Crosshair,
  FileText,
  Flag,
  Inbox,
  KeyRound,
  Landmark,
  LayoutDashboard,
  Link,
  LogOut,
  Megaphone,
  Menu,
  MessageSquare,
  Paintbrush,
  Plug,
  Plus,
  Puzzle,
  Radio,
  Rocket,
  ScrollText,
  Settings,
  Shield,
  ShieldCheck,
  Star,
  Trash2,
  UserRound,
  Users,
  type LucideIcon,
} from "lucide-react";
import { isValidElement, type ReactElement, type ReactNode } from "react";
import { isIconName, type IconName } from "~/modules/menu/icon-names";

const ICONS: Record<IconName, LucideIcon> = {
  link: Link,
  book: BookOpen,
  chat: MessageSquare,
  calendar: CalendarDays,
  chart: ChartColumn,
  shield: Shield,
  rocket: Rocket,
  star: Star,
  dashboard: LayoutDashboard,
  user: UserRound,
  users: Users,
  key: KeyRound,
  bell: Bell,
  plug: Plug,
  radio: Radio,
  landmark: Landmark,
  "shield-check": ShieldCheck,
  scroll: ScrollText,
  settings: Settings,
  clock: Clock,
  crosshair: Crosshair,
  coins: Coins,
  flag: Flag,
  building: Building2,
  "file-text": FileText,
  puzzle: Puzzle,
  menu: Menu,
  plus: Plus,
  trash: Trash2,
  "log-out": LogOut,
  inbox: Inbox,
  paintbrush: Paintbrush,
  megaphone: Megaphone,
};

/** A forwardRef component as React represents it (`React.forwardRef` returns this object). */
type ForwardRefType = { $$typeof: symbol; render: (props: Record<string, unknown>, ref: null) => ReactNode };
const FORWARD_REF = Symbol.for("react.forward_ref");
const isForwardRef = (type: unknown): type is ForwardRefType => typeof type === "object" && type !== null && (type as ForwardRefType).$$typeof === FORWARD_REF;

/**
 * The drawn `<svg>` of each icon, size and class, kept: a lucide icon is two forwardRef components
 * that rebuild the same SVG on every render, a sidebar draws a dozen of them per page, and a React
 * element can be rendered any number of times. Unwrapped here while rendering (lucide reads its
 * context with a hook), so the markup is exactly lucide's.
 */
const drawn = new Map<string, ReactElement>();

function drawnIcon(name: IconName, size: number, className: string): ReactElement {
  const key = `${name}\u0000${size}\u0000${className}`;
  let element = drawn.get(key);
  if (!element) {
    const Drawn = ICONS[name];
    let node: ReactNode = <Drawn width={size} height={size} aria-hidden="true" focusable="false" className={className} data-icon={name} />;
    while (isValidElement(node) && isForwardRef(node.type)) node = node.type.render(node.props as Record<string, unknown>, null);
    if (!isValidElement(node) || node.type !== "svg") throw new Error(`icon ${name}: lucide did not draw an <svg>`);
    element = node;
    drawn.set(key, element);
  }
  return element;
}

/** An icon by name (nothing for an unknown or empty name); decorative, so hidden from screen readers. */
export function Icon({ name, className = "mr-2 inline-block shrink-0 align-[-3px]", size = 16 }: { name: string | null | undefined; className?: string; size?: number }) {
  if (!isIconName(name)) return null;
  return drawnIcon(name, size, className);
}
