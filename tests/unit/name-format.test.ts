import { describe, expect, it } from "vitest";
import { connectorCatalogue, connectorMeta, servicePermissions } from "~/connectors/catalogue";
import { applyFormat, formatServiceName, NameFormatError, nameFormatData, validateNameFormat } from "~/modules/services/name-format";

const main = {
  character_id: 90000001,
  character_name: "Ab'le Pilot",
  corporation_id: 98000001,
  corporation_name: "My Corp",
  corporation_ticker: "CORP",
  alliance_id: 99000001,
  alliance_name: "My Alliance",
  alliance_ticker: "MYALLI",
};
const subject = { username: "able_pilot", main };
const noAlliance = { username: "solo", main: { ...main, alliance_id: null, alliance_name: null, alliance_ticker: null } };
const plain = (s: string) => s;

describe("name formats (the original's NameFormatter)", () => {
  it("formats the documented examples", () => {
    expect(formatServiceName("{alliance_ticker} - {character_name}", subject, plain)).toBe("MYALLI - Ab'le Pilot");
    expect(formatServiceName("[{corp_ticker}] {character_name}", subject, plain)).toBe("[CORP] Ab'le Pilot");
    expect(formatServiceName("{{{corp_name}}}{character_name}", subject, plain)).toBe("{My Corp}Ab'le Pilot");
  });

  it("offers every key, alliance_or_corp falling back to the corporation", () => {
    const data = nameFormatData(subject);
    expect(Object.keys(data).sort()).toEqual(["alliance_id", "alliance_name", "alliance_or_corp_name", "alliance_or_corp_ticker", "alliance_ticker", "character_id", "character_name", "corp_id", "corp_name", "corp_ticker", "username"]);
    expect(formatServiceName("{alliance_or_corp_ticker}|{alliance_or_corp_name}|{alliance_name}|{character_id}|{username}", noAlliance, plain)).toBe("CORP|My Corp||90000001|solo");
  });

  it("without a main: character_name is the username unless default_to_username is off; the rest is empty and stripped", () => {
    expect(formatServiceName("[{corp_ticker}] {character_name}", { username: "bob", main: null }, plain)).toBe("[] bob");
    expect(formatServiceName("{character_name} {corp_ticker}", { username: "bob", main: null }, plain, false)).toBe("");
  });

  it("supports width, alignment and precision as PEP 3101 does", () => {
    expect(applyFormat("{corp_ticker:>6}|{character_name:.3}|{corp_ticker:*^8}", nameFormatData(subject))).toBe("  CORP|Ab'|**CORP**");
    expect(applyFormat("{character_id:12}", nameFormatData(subject))).toBe("    90000001");
  });

  it("refuses unknown keys and stray braces", () => {
    expect(() => validateNameFormat("{nope}")).toThrow(NameFormatError);
    expect(() => validateNameFormat("{character_name")).toThrow(NameFormatError);
    expect(() => validateNameFormat("a } b")).toThrow(NameFormatError);
    expect(() => validateNameFormat("{character_name:%%}")).toThrow(NameFormatError);
    expect(() => validateNameFormat("{{ok}} {character_name}")).not.toThrow();
  });

  it("applies each service's sanitiser and limit after formatting", () => {
    const long = { username: "x", main: { ...main, character_name: "A".repeat(40) } };
    const discord = connectorMeta("discord")!;
    expect(formatServiceName("[{corp_ticker}] {character_name}", long, discord.sanitiseName)).toHaveLength(32);
    expect(formatServiceName("{character_name}", subject, connectorMeta("phpbb3")!.sanitiseName)).toBe("ab_le_pilot");
    expect(formatServiceName("{character_name}", subject, connectorMeta("discourse")!.sanitiseName)).toBe("Able_Pilot");
    expect(formatServiceName("{character_name}", subject, connectorMeta("openfire")!.sanitiseName)).toBe("Ab\\27le\\20Pilot");
    expect(formatServiceName("[{corp_ticker}]{character_name}", long, connectorMeta("teamspeak3")!.sanitiseName)).toHaveLength(30);
    // The original prefixes "Group " and sanitises again before Discourse sees the name (spec C6-7).
    expect(connectorMeta("discourse")!.sanitiseGroupName("AB")).toBe("GroupAB");
    expect(connectorMeta("mumble")!.sanitiseGroupName("Fleet Commanders")).toBe("Fleet-Commanders");
    expect(connectorMeta("openfire")!.sanitiseGroupName(" Fleet Commanders_")).toBe("fleetcommanders");
  });

  it("declares the nine services with the original's access permissions and default formats", () => {
    expect(connectorCatalogue.map((m) => m.id).sort()).toEqual(["discord", "discourse", "ips4", "mumble", "openfire", "phpbb3", "smf", "teamspeak3", "xenforo"]);
    expect(servicePermissions.map((p) => `${p.appLabel}.${p.codename}`)).toContain("discord.access_discord");
    expect(servicePermissions.map((p) => `${p.appLabel}.${p.codename}`)).toContain("teamspeak3.access_teamspeak3");
    expect(connectorMeta("mumble")!.defaultNameFormat).toBe("[{corp_ticker}]{character_name}");
    expect(connectorMeta("xenforo")!.defaultNameFormat).toBe("{character_name}");
  });
});
