#!/usr/bin/env node
// The published entry point: loads the TypeScript CLI through tsx's loader, so the CLI
// runs straight from the sources with no build step.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });

// A reader that stops early (`| head`) closes the pipe; that is not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

// A promise nobody awaited failed: a bug inside streamlab, whatever the input was.
let unhandled = false;
process.on("unhandledRejection", (reason) => {
  unhandled = true;
  process.exitCode = 3;
  process.stderr.write(`internal error: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
});

const { main } = await import("./cli.ts");
const code = await main(process.argv.slice(2));
process.exitCode = unhandled ? 3 : code;
