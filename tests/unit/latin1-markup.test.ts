import { describe, expect, it } from "vitest";
import { beyondLatin1, latin1Markup } from "~/components/latin1-markup";

describe("Latin-1 markup", () => {
  it("writes characters beyond Latin-1 as references and escapes markup, leaving Latin-1 text as it is", () => {
    expect(latin1Markup("简体中文")).toBe("&#x7B80;&#x4F53;&#x4E2D;&#x6587;");
    expect(latin1Markup("Español · Deutsch")).toBe("Español · Deutsch");
    expect(latin1Markup(`<b>"R&D"</b> 'x'`)).toBe("&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; &#x27;x&#x27;");
    // A character outside the BMP is one reference, not two halves.
    expect(latin1Markup("a😀b")).toBe("a&#x1F600;b");
    expect(beyondLatin1("Español")).toBe(false);
    expect(beyondLatin1("简体中文")).toBe(true);
  });
});
