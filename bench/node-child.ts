/**
 * Runs one Node benchmark module in a process of its own (started by bench/run.mjs with
 * `node --import tsx`), so one benchmark's heap and JIT state never colour the next.
 * Usage: node --import tsx bench/node-child.ts <module path> '{"quick":false,"id":"node/x"}'. The rows go
 * back over the IPC channel; progress goes to stderr.
 */
import { pathToFileURL } from "node:url";
import type { Benchmark, Row } from "./harness";

type Reply = { kind: "rows"; name: string; rows: Row[] } | { kind: "error"; message: string };

function reply(message: Reply): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error("bench/node-child.ts is started by bench/run.mjs with an IPC channel"));
      return;
    }
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

const [modulePath, optionsJson] = process.argv.slice(2);
try {
  if (!modulePath || !optionsJson) throw new Error("usage: node --import tsx bench/node-child.ts <module> <options JSON>");
  const { quick, id } = JSON.parse(optionsJson) as { quick: boolean; id: string };
  const loaded = (await import(pathToFileURL(modulePath).href)) as { default?: Benchmark };
  const benchmark = loaded.default;
  if (!benchmark || typeof benchmark.run !== "function") throw new Error(`${modulePath} has no default export { name, run }`);
  const rows = await benchmark.run({ quick, progress: (text) => process.stderr.write(`  [${id}] ${text}\n`) });
  await reply({ kind: "rows", name: benchmark.name, rows });
} catch (error) {
  await reply({ kind: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
process.disconnect?.();
