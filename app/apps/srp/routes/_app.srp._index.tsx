import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { EveTime, LocalTime } from "~/components/eve-time";
import { PageHeader } from "~/components/page-header";
import { Table } from "~/components/table";
import { pageTitle } from "~/i18n/meta";
import { getRuntime } from "~/modules/runtime.server";
import { hasPermission, requirePermission } from "~/web/guards.server";
import { Isk } from "../isk";
import { SRP_ACCESS, SRP_ADD_FLEET, SRP_MANAGE } from "../permissions";
import { listFleets, myRequests } from "../srp.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "srp.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, SRP_ACCESS);
  const { db } = getRuntime();
  const canManage = hasPermission(user, SRP_MANAGE);
  return json({
    fleets: canManage ? await listFleets(db) : [],
    mine: await myRequests(db, user.id),
    canManage,
    canAdd: canManage || hasPermission(user, SRP_ADD_FLEET),
  });
}

export default function Srp() {
  const { t } = useTranslation();
  const { fleets, mine, canManage, canAdd } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PageHeader title={t("srp.title")} action={canAdd && { to: "/srp/add", label: t("srp.addFleet"), testId: "srp-add-fleet" }} />
      {canManage ? (
        <section className="space-y-2">
          <h2 className="text-lg font-semibold">{t("srp.fleets")}</h2>
          <Table
            testId="srp-fleets"
            rows={fleets}
            rowKey={(f) => f.id}
            empty={t("srp.noFleets")}
            columns={[
              { id: "name", header: t("srp.field.fleetName"), cell: (f) => <Link to={`/srp/fleet/${f.id}`} className="text-sky-700 hover:underline dark:text-sky-400">{f.fleet_name}</Link> },
              { id: "doctrine", header: t("srp.field.doctrine"), cell: (f) => f.doctrine },
              { id: "time", header: t("srp.field.fleetTime"), cell: (f) => <EveTime at={f.fleet_time} /> },
              { id: "local", header: t("evetime.local"), cell: (f) => <LocalTime at={f.fleet_time} testId={`srp-fleet-local-${f.id}`} /> },
              { id: "fc", header: t("srp.fc"), cell: (f) => f.fleet_commander_name ?? "" },
              { id: "code", header: t("srp.code"), cell: (f) => <Link to={`/srp/request/${f.fleet_srp_code}`} className="font-mono text-sky-700 hover:underline dark:text-sky-400">{f.fleet_srp_code}</Link> },
              { id: "status", header: t("srp.status"), cell: (f) => (f.fleet_srp_status === "Completed" ? t("srp.completed") : t("srp.open")) },
              { id: "requests", header: t("srp.requests"), numeric: true, cell: (f) => f.requests },
              { id: "loss", header: t("srp.lossTotal"), numeric: true, cell: (f) => <Isk amount={f.loss_total} /> },
              { id: "approved", header: t("srp.approvedTotal"), numeric: true, cell: (f) => <Isk amount={f.approved_total} testId={`srp-fleet-total-${f.id}`} /> },
            ]}
          />
        </section>
      ) : null}
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">{t("srp.myRequests")}</h2>
        <Table
          testId="srp-mine"
          rows={mine}
          rowKey={(r) => r.id}
          empty={t("srp.noRequests")}
          columns={[
            { id: "fleet", header: t("srp.field.fleetName"), cell: (r) => r.fleet_name },
            { id: "ship", header: t("srp.ship"), cell: (r) => r.srp_ship_name },
            { id: "character", header: t("srp.character"), cell: (r) => r.character_name },
            { id: "status", header: t("srp.status"), cell: (r) => t(`srp.requestStatus.${r.srp_status}`) },
            { id: "payout", header: t("srp.payout"), numeric: true, cell: (r) => <Isk amount={r.srp_total_amount} /> },
          ]}
        />
      </section>
    </div>
  );
}
