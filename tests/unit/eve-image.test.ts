import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CharacterSummary, DemoImages, EveImage } from "~/components/eve";
import { allianceLogoUrl, characterPortraitUrl, demoImageUrl } from "~/modules/eve/evelinks";
import { initials, placeholderSvg } from "~/modules/eve/placeholder-image.server";

describe("EVE images", () => {
  it("are decorative, lazy, sized and sit on a placeholder background, so an unreachable image server shows no broken-image icon", () => {
    const html = renderToStaticMarkup(
      createElement(CharacterSummary, {
        character: { character_id: 90000001, character_name: "Aria Solenne", corporation_id: 98000001, corporation_name: "Meridian Logistics", corporation_ticker: "MRLOG", alliance_id: 99000001, alliance_name: "Silent Meridian", alliance_ticker: "MRDN" },
      }),
    );
    const images = [...html.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
    expect(images).toHaveLength(3);
    for (const img of images) {
      expect(img).toContain('alt=""');
      expect(img).toContain('loading="lazy"');
      expect(img).toMatch(/width="\d+" height="\d+"/);
      expect(img).toMatch(/class="[^"]*bg-slate-200[^"]*dark:bg-slate-700/);
    }
    expect(images[0]).toContain("https://images.evetech.net/characters/90000001/portrait?size=64");
  });
});

describe("demo mode's EVE images", () => {
  it("point at the local placeholders (image server URLs only), which show the entity's initials on a colour from its id", () => {
    const html = renderToStaticMarkup(createElement(DemoImages.Provider, { value: true }, createElement(EveImage, { src: characterPortraitUrl(90000001, 64), size: 64 })));
    expect(html).toContain('src="/demo-images/characters/90000001"');
    expect(demoImageUrl(allianceLogoUrl(99000001, 128))).toBe("/demo-images/alliances/99000001");
    expect(demoImageUrl("/branding/logo.abc.png")).toBe("/branding/logo.abc.png");
    expect(demoImageUrl("https://images.evetech.net.example.org/characters/1/portrait")).toBe("https://images.evetech.net.example.org/characters/1/portrait");
    expect([initials("Carys O'Daire"), initials("Meridian"), initials("  "), initials(null), initials("-A- Ore Whisperer")]).toEqual(["CO", "M", "?", "?", "AW"]);
    const svg = placeholderSvg(90000001, `<b>&"x"`, "characters");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toContain("<b>");
    expect(svg).toContain(">B<");
    expect(placeholderSvg(1, "A", "alliances")).not.toBe(placeholderSvg(2, "A", "alliances"));
  });
});
