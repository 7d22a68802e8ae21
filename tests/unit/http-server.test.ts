import http from "node:http";
import express from "express";
import { describe, expect, it } from "vitest";
import { createHttpServer } from "~/web/http.server";

describe("the HTTP server of the Express app", () => {
  it("makes each request and response with the app's prototypes, so Express's own setting of them changes nothing", async () => {
    const app = express();
    app.get("/", (req, res) => {
      res.send(`${req.method} ${req.path}`);
    });
    const server = createHttpServer(app);
    const seen: boolean[] = [];
    // Before Express's handler: what Node made, before Express sets anything.
    server.prependListener("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      seen.push(Object.getPrototypeOf(req) === app.request, Object.getPrototypeOf(res) === app.response, req instanceof http.IncomingMessage, res instanceof http.ServerResponse);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`http://127.0.0.1:${port}/?n=${i}`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe("GET /");
      }
      expect(seen).toEqual(Array(8).fill(true));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
