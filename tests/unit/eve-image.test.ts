import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CharacterSummary } from "~/components/eve";

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
