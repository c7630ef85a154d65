// A small static server for the built site: `node scripts/serve-dist.mjs [--dir dist]
// [--host 127.0.0.1] [--port 0]`. Port 0 picks a free port; the chosen URL is printed.
// Module scripts and WebAssembly are refused by browsers under a wrong MIME type, so the
// table below matters. No COOP/COEP: the site must work on hosts that cannot send them.
import { createServer } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

export const MIME_TYPES = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
});

export function contentType(path) {
  return MIME_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

function fileAt(path) {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

/** Serves `dir`; resolves once listening, with the server and its URL. */
export function serveDirectory({ dir = "dist", host = "127.0.0.1", port = 0 } = {}) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      res.writeHead(400).end("bad request path");
      return;
    }
    let path = resolve(join(root, pathname));
    if (path !== root && !path.startsWith(root + sep)) {
      res.writeHead(403).end("outside the served directory");
      return;
    }
    let stat = fileAt(path);
    if (!stat && fileAt(join(path, "index.html"))) {
      path = join(path, "index.html");
      stat = fileAt(path);
    }
    // Paths without an extension are app routes, not missing assets: hand them the app.
    if (!stat && extname(pathname) === "" && fileAt(join(root, "index.html"))) {
      path = join(root, "index.html");
      stat = fileAt(path);
    }
    if (!stat) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(`not found: ${pathname}`);
      return;
    }
    res.writeHead(200, {
      "Content-Type": contentType(path),
      "Content-Length": stat.size,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(path).pipe(res);
  });
  return new Promise((resolveListening, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      const url = `http://${host}:${address.port}/`;
      resolveListening({ server, url, port: address.port });
    });
  });
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value after ${flag}`);
    if (flag === "--dir") options.dir = value;
    else if (flag === "--host") options.host = value;
    else if (flag === "--port") options.port = Number(value);
    else throw new Error(`unknown option ${flag} (expected --dir, --host, --port)`);
  }
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const options = parseArgs(process.argv.slice(2));
  const dir = options.dir ?? "dist";
  if (!fileAt(join(resolve(dir), "index.html"))) {
    console.error(`${dir}/index.html not found: build the site first (npm run build).`);
    process.exit(1);
  }
  const { url } = await serveDirectory(options);
  console.log(`serving ${dir} at ${url}`);
}
