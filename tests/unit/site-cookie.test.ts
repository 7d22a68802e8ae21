/**
 * Site cookies (app/web/cookies.server.ts): made once per settings, and remembering recent parses
 * without ever accepting what the signature check refuses.
 */
import { createCookie } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { deriveKey } from "~/modules/auth/crypto.server";
import { sessionCookie, siteCookie } from "~/web/cookies.server";
import { testSettings } from "../support/db";

const settings = testSettings();
const other = testSettings({ SECRET_KEY: "t".repeat(64) });
const pair = async (value: unknown, from = settings) => (await sessionCookie(from).serialize(value)).split(";")[0]!;

describe("site cookies", () => {
  it("are made once per settings, name and purpose", () => {
    expect(sessionCookie(settings)).toBe(sessionCookie(settings));
    expect(siteCookie(settings, "aa_csrf", "csrf-cookie")).not.toBe(sessionCookie(settings));
    expect(sessionCookie(other)).not.toBe(sessionCookie(settings));
  });

  it("parse a header the same the first and the second time, and as Remix's own cookie does", async () => {
    const plain = createCookie("aa_session", { httpOnly: true, sameSite: "lax", path: "/", secrets: [deriveKey(settings.SECRET_KEY, "session-cookie")] });
    const header = `aa_theme=dark; ${await pair("token-one")}`;
    expect(await plain.parse(header)).toBe("token-one");
    expect(await sessionCookie(settings).parse(header)).toBe("token-one");
    expect(await sessionCookie(settings).parse(header)).toBe("token-one");
    expect(await sessionCookie(settings).parse(`${await pair("token-two")}; aa_theme=dark`)).toBe("token-two");
    expect(await sessionCookie(settings).parse("aa_theme=dark")).toBeNull();
    expect(await sessionCookie(settings).parse(null)).toBeNull();
  });

  it("refuse a forged or foreign signature, also after the genuine header was parsed", async () => {
    const genuine = await pair("token-three");
    expect(await sessionCookie(settings).parse(genuine)).toBe("token-three");
    const [name, value] = genuine.split("=") as [string, string];
    const forged = `${name}=${value.slice(0, -2)}${value.endsWith("AA") ? "BB" : "AA"}`;
    expect(await sessionCookie(settings).parse(forged)).toBeNull();
    expect(await sessionCookie(settings).parse(forged)).toBeNull();
    // Signed with another site's key.
    expect(await sessionCookie(settings).parse(await pair("token-three", other))).toBeNull();
  });

  it("parse long headers and object values every time, handing out no shared object", async () => {
    const long = `${await pair("token-four")}; filler=${"x".repeat(2000)}`;
    expect(await sessionCookie(settings).parse(long)).toBe("token-four");
    expect(await sessionCookie(settings).parse(long)).toBe("token-four");
    const header = await pair({ list: [1, 2] });
    const first = (await sessionCookie(settings).parse(header)) as { list: number[] };
    first.list.push(3);
    expect(await sessionCookie(settings).parse(header)).toEqual({ list: [1, 2] });
  });
});
