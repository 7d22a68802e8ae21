import { describe, expect, it } from "vitest";
import { dotlanAllianceUrl, dotlanCorporationUrl, dotlanName, dotlanRegionUrl, dotlanSystemUrl } from "~/modules/eve/evelinks";

describe("dotlan links", () => {
  it("turns spaces into underscores and percent-encodes everything but unreserved characters, as the original", () => {
    expect(dotlanName("Crédit Agricole")).toBe("Cr%C3%A9dit_Agricole");
    expect(dotlanName("Carys O'Daire (alt)*!")).toBe("Carys_O%27Daire_%28alt%29%2A%21");
    expect(dotlanName("A/B & C~D.E-F")).toBe("A%2FB_%26_C~D.E-F");
    expect(dotlanAllianceUrl("Goonswarm Federation")).toBe("http://evemaps.dotlan.net/alliance/Goonswarm_Federation");
    expect(dotlanCorporationUrl("Bob's Corp")).toBe("http://evemaps.dotlan.net/corp/Bob%27s_Corp");
    expect(dotlanRegionUrl("The Forge")).toBe("http://evemaps.dotlan.net/map/The_Forge");
    expect(dotlanSystemUrl("Jita")).toBe("http://evemaps.dotlan.net/system/Jita");
  });
});
