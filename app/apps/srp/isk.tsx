/** ISK amounts in the viewer's language ("1,500,000 ISK"). */
import { htmlLang } from "~/i18n/languages";
import { useRootData } from "~/components/root-data";

export function Isk({ amount, testId }: { amount: number; testId?: string }) {
  const lang = useRootData()?.lang ?? "en";
  return (
    <span data-testid={testId} className="whitespace-nowrap tabular-nums">
      {`${new Intl.NumberFormat(htmlLang(lang), { maximumFractionDigits: 0 }).format(amount)} ISK`}
    </span>
  );
}
