/** The ordered list of migrations. Static imports keep them inside bundles and Docker images. */
import type { Migration } from "kysely";
import * as m0001 from "./0001-foundation";
import * as m0002 from "./0002-eve-identity";
import * as m0003 from "./0003-states-groups-notifications";
import * as m0004 from "./0004-admin";
import * as m0005 from "./0005-services";
import * as m0006 from "./0006-discord-ratelimits";
import * as m0007 from "./0007-eve-production";
import * as m0008 from "./0008-hardening-web";
import * as m0009 from "./0009-import";
import * as m0010 from "./0010-mumble";
import * as m0011 from "./0011-teamspeak3";
import * as m0014 from "./0014-autogroups";
import * as m0017 from "./0017-timerboard";
import * as m0018 from "./0018-optimer";
import * as m0019 from "./0019-srp";
import * as m0022 from "./0022-announcements";
import * as m0024 from "./0024-import-progress";
import * as m0025 from "./0025-corpstats";
import * as m0026 from "./0026-hrapplications";
import * as m0027 from "./0027-fleetactivitytracking";
import * as m0028 from "./0028-customise";
import * as m0029 from "./0029-analytics";
import * as m0030 from "./0030-notifications-index";
import * as m0031 from "./0031-users-hot-updates";
import * as m0032 from "./0032-set-based-foreign-keys";
import * as m0033 from "./0033-audit-log-users";

export const migrations: Record<string, Migration> = {
  "0001-foundation": m0001,
  "0002-eve-identity": m0002,
  "0003-states-groups-notifications": m0003,
  "0004-admin": m0004,
  "0005-services": m0005,
  "0006-discord-ratelimits": m0006,
  "0007-eve-production": m0007,
  "0008-hardening-web": m0008,
  "0009-import": m0009,
  "0010-mumble": m0010,
  "0011-teamspeak3": m0011,
  "0014-autogroups": m0014,
  "0017-timerboard": m0017,
  "0018-optimer": m0018,
  "0019-srp": m0019,
  "0022-announcements": m0022,
  "0024-import-progress": m0024,
  "0025-corpstats": m0025,
  "0026-hrapplications": m0026,
  "0027-fleetactivitytracking": m0027,
  "0028-customise": m0028,
  "0029-analytics": m0029,
  "0030-notifications-index": m0030,
  "0031-users-hot-updates": m0031,
  "0032-set-based-foreign-keys": m0032,
  "0033-audit-log-users": m0033,
};
