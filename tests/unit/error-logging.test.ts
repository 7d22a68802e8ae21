import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { handleError } from "~/entry.server";

describe("server errors", () => {
  it("are one JSON line with the request id, and no secret in the path", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const holder = globalThis as Record<symbol, unknown>;
    const key = Symbol.for("allianceauth.logger");
    const previous = holder[key];
    holder[key] = pino({ level: "info" }, sink);
    try {
      const request = new Request("http://localhost/setup/very-secret-token");
      handleError(new Error("boom"), { request, context: { requestId: "req-42", ip: null, csrfToken: "", nonce: "", memo: new Map() } });
    } finally {
      holder[key] = previous;
    }
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 50, requestId: "req-42", path: "/setup/[redacted]", err: { message: "boom" }, msg: "request failed" });
    expect(entry.err.stack).toContain("boom");
    expect(lines[0]).not.toContain("very-secret-token");
  });
});
