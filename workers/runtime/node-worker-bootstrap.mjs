// Entry of every Node worker_threads Worker that runs TypeScript: a worker does not inherit
// the tsx loader of the thread that started it, so it registers its own, then imports the
// real entry, passed as the worker's first argument (node-worker-like.ts does this).
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const entry = process.argv[2];
if (!entry) throw new Error("node-worker-bootstrap: no entry module given");
register({ tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) });
await import(entry);
