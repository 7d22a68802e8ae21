/** The example app's dashboard panel (browser side); its data comes from `widgets` in app.server.ts. */
import { useTranslation } from "react-i18next";
import type { Greeting } from "./greeting.server";

export function GreetingWidget({ data }: { data: Greeting }) {
  const { t } = useTranslation();
  return (
    <section className="card" data-testid="widget-example-greeting">
      <h2 className="text-lg font-semibold">{t("example.title")}</h2>
      <p className="mt-2 text-sm">{t("example.greeting", { name: data.username, count: data.characters })}</p>
    </section>
  );
}
