/** A member's participations: fleet, character, system, (station,) ship and time. */
import { useTranslation } from "react-i18next";
import { EveTime } from "~/components/eve-time";
import { Table } from "../plugin-ui";

export interface FatRow {
  id: number;
  fleet: string;
  character_name: string;
  system: string;
  station: string;
  shiptype: string;
  fatdatetime: string;
}

export function FatsTable({ testId, rows, station = false }: { testId: string; rows: FatRow[]; station?: boolean }) {
  const { t } = useTranslation();
  return (
    <Table
      testId={testId}
      rows={rows}
      rowKey={(f) => f.id}
      empty={t("fleetactivitytracking.noFats")}
      columns={[
        { id: "fleet", header: t("fleetactivitytracking.field.fleet"), cell: (f) => f.fleet },
        { id: "character", header: t("fleetactivitytracking.character"), cell: (f) => f.character_name },
        { id: "system", header: t("fleetactivitytracking.system"), cell: (f) => f.system },
        ...(station ? [{ id: "station", header: t("fleetactivitytracking.station"), cell: (f: FatRow) => f.station }] : []),
        { id: "ship", header: t("fleetactivitytracking.ship"), cell: (f) => f.shiptype },
        { id: "time", header: t("fleetactivitytracking.time"), cell: (f) => <EveTime at={f.fatdatetime} /> },
      ]}
    />
  );
}
