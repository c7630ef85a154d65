// The static server for the Chromium benchmark pages: a temp dir on 127.0.0.1, like
// scripts/serve-dist.mjs, plus COOP/COEP headers. Cross-origin isolation is what lets
// performance.now() tick in 5 µs steps instead of 100 µs, which a round trip of ~90 µs
// needs; the site itself never gets these headers, and nothing measured here (OPFS,
// IndexedDB, messages) depends on them.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize, sep } from "node:path";
import { contentType } from "../scripts/serve-dist.mjs";

/** Serves the files of `dir` (flat, no listing); resolves with the server and its URL. */
export function serveBench(dir) {
  const server = createServer(async (req, res) => {
    const name = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname)).replace(/^[/\\]+/, "") || "index.html";
    if (name.split(sep).includes("..")) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(join(dir, name));
      res.writeHead(200, {
        "Content-Type": contentType(name),
        "Cache-Control": "no-store",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": "require-corp",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(`not found: ${name}`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}
