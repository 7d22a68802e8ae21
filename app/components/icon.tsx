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

/** An icon by name (nothing for an unknown or empty name); decorative, so hidden from screen readers. */
export function Icon({ name, className = "mr-2 inline-block shrink-0 align-[-3px]", size = 16 }: { name: string | null | undefined; className?: string; size?: number }) {
  if (!isIconName(name)) return null;
  const Drawn = ICONS[name];
  return <Drawn width={size} height={size} aria-hidden="true" focusable="false" className={className} data-icon={name} />;
}
