import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDirectory } from "./serve-dist.mjs";

let dir: string;
let server: Server;
let base: URL;

/** A raw GET that keeps the path exactly as written, dot segments included. */
function get(path: string, method = "GET"): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "streamlab-serve-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(dir, "assets", "main-abc.js"), "export const x = 1;");
  writeFileSync(join(dir, "assets", "engine.wasm"), new Uint8Array([0, 0x61, 0x73, 0x6d]));
  writeFileSync(join(dir, "assets", "worker.mjs"), "self.onmessage = () => {};");
  writeFileSync(join(dir, "assets", "segment.log"), new Uint8Array([1, 2, 3]));
  writeFileSync(join(tmpdir(), "streamlab-serve-outside.txt"), "secret");
  const served = await serveDirectory({ dir, host: "127.0.0.1", port: 0 });
  server = served.server;
  base = new URL(served.url);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(tmpdir(), "streamlab-serve-outside.txt"), { force: true });
});

describe("serve-dist", () => {
  it("listens on 127.0.0.1 at a port it picked", () => {
    expect(base.hostname).toBe("127.0.0.1");
    expect(Number(base.port)).toBeGreaterThan(0);
  });

  it("serves module scripts and WebAssembly with the MIME types browsers require", async () => {
    expect(await get("/assets/main-abc.js")).toMatchObject({ status: 200, type: "text/javascript; charset=utf-8", body: "export const x = 1;" });
    expect((await get("/assets/worker.mjs")).type).toBe("text/javascript; charset=utf-8");
    expect((await get("/assets/engine.wasm")).type).toBe("application/wasm");
    expect((await get("/assets/segment.log")).type).toBe("application/octet-stream");
    expect(await get("/")).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
  });

  it("answers HEAD without a body", async () => {
    expect(await get("/assets/main-abc.js", "HEAD")).toMatchObject({ status: 200, body: "" });
  });

  it("hands app routes the index page but reports missing assets as 404", async () => {
    expect(await get("/workbench/partitions")).toMatchObject({ status: 200, body: "<!doctype html><title>app</title>" });
    expect((await get("/assets/missing.js")).status).toBe(404);
  });

  it("never serves files outside its directory", async () => {
    const escaped = await get("/../streamlab-serve-outside.txt");
    expect(escaped.body).not.toContain("secret");
    expect([403, 404]).toContain(escaped.status);
    const encoded = await get("/%2e%2e/streamlab-serve-outside.txt");
    expect(encoded.body).not.toContain("secret");
  });

  it("refuses methods other than GET and HEAD", async () => {
    expect((await get("/", "POST")).status).toBe(405);
  });
});
