import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { EveTime, LocalTime } from "~/components/eve-time";
import { PostForm } from "~/components/forms";
import { Table } from "~/components/table";
import { pageTitle } from "~/i18n/meta";
import { getRuntime } from "~/modules/runtime.server";
import { redirectWithFlash } from "~/web/flash.server";
import { actorFor, requirePermission } from "~/web/guards.server";
import { readForm, readText } from "~/web/input.server";
import { formId, formIds, notFound, pathId } from "~/web/params.server";
import { Isk } from "../isk";
import { SRP_MANAGE } from "../permissions";
import { decide, fleetById, fleetRequests, parseIsk, setFleetCompleted, setPayout, SrpError } from "../srp.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "srp.fleet");

async function fleetOrNotFound(raw: string | undefined) {
  return (await fleetById(getRuntime().db, pathId(raw))) ?? notFound();
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, SRP_MANAGE);
  const fleet = await fleetOrNotFound(params.id);
  const requests = await fleetRequests(getRuntime().db, fleet.id);
  const approved = requests.filter((r) => r.srp_status === "Approved").reduce((sum, r) => sum + r.srp_total_amount, 0);
  const requested = requests.reduce((sum, r) => sum + r.kb_total_loss, 0);
  return json({ fleet, requests, totals: { approved, requested } });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, SRP_MANAGE);
  const fleet = await fleetOrNotFound(params.id);
  const form = await readForm(request);
  const intent = form.get("intent");
  const { db, settings } = getRuntime();
  const actor = actorFor(user, context);
  const back = (key: string) => redirectWithFlash(`/srp/fleet/${fleet.id}`, { level: "success", key });
  if (intent === "approve" || intent === "reject") {
    const ids = formIds(form, "ids");
    if (!ids.length) return json({ error: "srp.errors.nothingSelected" }, { status: 400 });
    await decide(db, settings, fleet.id, ids, intent === "approve" ? "Approved" : "Rejected", actor);
    return back(intent === "approve" ? "srp.approved" : "srp.rejected");
  }
  if (intent === "payout") {
    const requestId = formId(form.get("request"));
    const typed = readText(form, "amount", { max: 40 });
    const amount = parseIsk(typed);
    // The amount as typed comes back beside its request's field.
    const payoutError = (error: string) => json({ error: null, payout: { request: requestId, amount: typed, error } }, { status: 400 });
    if (amount === null) return payoutError("srp.errors.amount");
    try {
      await setPayout(db, fleet.id, requestId, amount, actor);
    } catch (error) {
      if (error instanceof SrpError) return payoutError(error.message);
      throw error;
    }
    return back("srp.payoutSaved");
  }
  if (intent === "complete" || intent === "reopen") {
    await setFleetCompleted(db, fleet.id, intent === "complete", actor);
    return back(intent === "complete" ? "srp.fleetCompleted" : "srp.fleetReopened");
  }
  return json({ error: "srp.errors.intent" }, { status: 400 });
}

export default function FleetPage() {
  const { t } = useTranslation();
  const { fleet, requests, totals } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const payout = data && "payout" in data ? data.payout : null;
  const pageError = data && !("payout" in data) ? data.error : null;
  const completed = fleet.fleet_srp_status === "Completed";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{fleet.fleet_name}</h1>
      <p className="text-sm">
        {fleet.doctrine} · <EveTime at={fleet.fleet_time} /> (<LocalTime at={fleet.fleet_time} testId="srp-fleet-local" />) · {fleet.fleet_commander_name ?? ""} · <span className="font-mono">{fleet.fleet_srp_code}</span>
        {fleet.aar_link ? (
          <>
            {" · "}
            <a href={fleet.aar_link} rel="noreferrer noopener" className="text-sky-700 hover:underline">
              {t("srp.aar")}
            </a>
          </>
        ) : null}
      </p>
      <dl className="card grid grid-cols-2 gap-2 text-sm" data-testid="srp-totals">
        <dt>{t("srp.lossTotal")}</dt>
        <dd>
          <Isk amount={totals.requested} testId="srp-total-requested" />
        </dd>
        <dt>{t("srp.approvedTotal")}</dt>
        <dd>
          <Isk amount={totals.approved} testId="srp-total-approved" />
        </dd>
      </dl>
      {pageError ? (
        <p role="alert" className="field-error" data-testid="srp-error">
          {t(pageError)}
        </p>
      ) : null}
      <PostForm id="decide" className="space-y-2">
        <Table
          testId="srp-requests"
          rows={requests}
          rowKey={(r) => r.id}
          rowTestId={(r) => `srp-request-${r.kill_id}`}
          empty={t("srp.noRequests")}
          columns={[
            { id: "pick", header: "", cell: (r) => <input type="checkbox" name="ids" value={r.id} aria-label={t("srp.select", { character: r.character_name })} /> },
            { id: "character", header: t("srp.character"), cell: (r) => r.character_name },
            { id: "ship", header: t("srp.ship"), cell: (r) => r.srp_ship_name },
            { id: "link", header: t("srp.killmail"), cell: (r) => <a href={r.killboard_link} rel="noreferrer noopener" className="text-sky-700 hover:underline">{r.kill_id}</a> },
            { id: "loss", header: t("srp.loss"), numeric: true, cell: (r) => <Isk amount={r.kb_total_loss} /> },
            { id: "payout", header: t("srp.payout"), numeric: true, cell: (r) => <Isk amount={r.srp_total_amount} testId={`srp-payout-${r.kill_id}`} /> },
            { id: "status", header: t("srp.status"), cell: (r) => t(`srp.requestStatus.${r.srp_status}`) },
            { id: "info", header: t("srp.field.additionalInfo"), cell: (r) => r.additional_info },
          ]}
        />
        <div className="flex gap-2">
          <button type="submit" name="intent" value="approve" className="btn-primary" data-testid="srp-approve">
            {t("srp.approve")}
          </button>
          <button type="submit" name="intent" value="reject" className="btn-secondary" data-testid="srp-reject">
            {t("srp.reject")}
          </button>
        </div>
      </PostForm>
      <section className="card space-y-2">
        <h2 className="font-semibold">{t("srp.setPayout")}</h2>
        {requests.map((r) => {
          const failed = payout?.request === r.id ? payout : null;
          const errorId = `srp-amount-${r.id}-error`;
          return (
            <PostForm key={`${r.id}-${failed?.amount ?? r.srp_total_amount}`} className="flex flex-wrap items-end gap-2">
              <input type="hidden" name="request" value={r.id} />
              <label className="text-sm">
                {t("srp.payoutFor", { character: r.character_name, ship: r.srp_ship_name })}
                <input name="amount" defaultValue={failed?.amount ?? String(r.srp_total_amount)} className="input" aria-invalid={failed ? true : undefined} aria-describedby={failed ? errorId : undefined} data-testid={`srp-amount-${r.kill_id}`} />
              </label>
              <button type="submit" name="intent" value="payout" className="btn-secondary" data-testid={`srp-save-payout-${r.kill_id}`}>
                {t("srp.save")}
              </button>
              {failed ? (
                <p id={errorId} role="alert" className="field-error w-full" data-testid={`srp-amount-error-${r.kill_id}`}>
                  {t(failed.error)}
                </p>
              ) : null}
            </PostForm>
          );
        })}
      </section>
      <PostForm>
        <button type="submit" name="intent" value={completed ? "reopen" : "complete"} className="btn-secondary" data-testid="srp-complete">
          {completed ? t("srp.reopen") : t("srp.markCompleted")}
        </button>
      </PostForm>
    </div>
  );
}
