import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: root });

interface Finding {
  rule: string | null;
  message: string;
}

/** Lints `code` as if it lived at `path` (relative to the repository), returning errors and warnings. */
async function lint(path: string, code: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  if (!result) throw new Error(`no lint result for ${path}`);
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

async function rulesFired(path: string, code: string): Promise<string[]> {
  return (await lint(path, code)).map((f) => f.rule ?? "(fatal)");
}

describe("engine code gets time and randomness injected", () => {
  it("rejects Date.now in workers/log", async () => {
    const findings = await lint("workers/log/x.ts", "export const t = Date.now();\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]?.rule).toBe("no-restricted-properties");
    expect(findings[0]?.message).toContain("workers/runtime/clock.ts");
  });

  it("allows Date.now in workers/runtime/clock.ts", async () => {
    expect(await rulesFired("workers/runtime/clock.ts", "export const t = Date.now();\n")).toEqual([]);
  });

  it("rejects Math.random, performance.now, new Date() and Date()", async () => {
    expect(await rulesFired("workers/groups/x.ts", "export const r = Math.random();\n")).toEqual(["no-restricted-properties"]);
    expect(await rulesFired("workers/streams/x.ts", "export const p = performance.now();\n")).toContain("no-restricted-globals");
    expect(await rulesFired("workers/broker/x.ts", "export const d = new Date();\n")).toEqual(["no-restricted-syntax"]);
    expect(await rulesFired("workers/broker/x.ts", "export const d = new Date;\n")).toEqual(["no-restricted-syntax"]);
    expect(await rulesFired("workers/broker/x.ts", "export const s = Date();\n")).toEqual(["no-restricted-syntax"]);
  });

  it("allows building a Date from a given time", async () => {
    expect(await rulesFired("workers/broker/x.ts", "export const d = (t: number) => new Date(t).toISOString();\n")).toEqual([]);
  });

  it("rejects bare timers, also through globalThis, but allows queueMicrotask", async () => {
    expect(await rulesFired("workers/log/x.ts", "setTimeout(() => {}, 5);\n")).toEqual(["no-restricted-globals"]);
    expect(await rulesFired("workers/log/x.ts", "setInterval(() => {}, 5);\n")).toEqual(["no-restricted-globals"]);
    expect(await rulesFired("workers/log/x.ts", "setImmediate(() => {});\n")).toEqual(["no-restricted-globals"]);
    expect(await rulesFired("workers/log/x.ts", "globalThis.setTimeout(() => {}, 5);\n")).toEqual(["no-restricted-globals"]);
    expect(await rulesFired("workers/log/x.ts", "queueMicrotask(() => {});\n")).toEqual([]);
  });

  it("allows timers in the runtime, which implements the wall-clock scheduler", async () => {
    expect(await rulesFired("workers/runtime/wall-scheduler.ts", "setTimeout(() => {}, performance.now());\n")).toEqual([]);
  });

  it("holds engine tests to the same determinism", async () => {
    expect(await rulesFired("workers/log/x.test.ts", "export const t = Date.now();\n")).toEqual(["no-restricted-properties"]);
  });
});

describe("engine code has no DOM, worker or Node-only globals", () => {
  for (const global of ["window", "document", "self", "navigator", "localStorage", "indexedDB", "location"]) {
    it(`rejects ${global} in workers/streams`, async () => {
      expect(await rulesFired("workers/streams/x.ts", `export const g = ${global};\n`)).toEqual(["no-restricted-globals"]);
    });
  }

  it("rejects postMessage, importScripts and requestAnimationFrame", async () => {
    expect(await rulesFired("workers/log/x.ts", "postMessage(1);\n")).toEqual(["no-restricted-globals"]);
    expect(await rulesFired("workers/log/x.ts", "importScripts('a.js');\n")).toEqual(["no-restricted-globals"]);
    expect(await rulesFired("workers/log/x.ts", "requestAnimationFrame(() => {});\n")).toEqual(["no-restricted-globals"]);
  });

  it("does not mistake a local binding for the global", async () => {
    expect(await rulesFired("workers/log/x.ts", "export function f(self: number, location: string) { return [self, location]; }\n")).toEqual([]);
  });

  it("lets a *.worker.ts entry point and the OPFS backend use worker globals", async () => {
    expect(await rulesFired("workers/broker.worker.ts", "self.postMessage(navigator.storage);\n")).toEqual([]);
    expect(await rulesFired("workers/storage/opfs-storage.ts", "export const d = navigator.storage.getDirectory();\n")).toEqual([]);
  });

  it("rejects process and Buffer in engine code but not in its tests", async () => {
    expect(await rulesFired("workers/log/x.ts", "export const e = process.env.X;\n")).toEqual(["no-restricted-globals"]);
    expect(await rulesFired("workers/log/x.ts", "export const b = Buffer.alloc(1);\n")).toEqual(["no-restricted-globals"]);
    expect(await rulesFired("workers/log/x.test.ts", "export const b = Buffer.alloc(1);\n")).toEqual([]);
  });
});

describe("imports into workers/", () => {
  it("rejects node: modules and bare builtins in engine code", async () => {
    expect(await rulesFired("workers/log/x.ts", 'import { readFile } from "node:fs/promises";\nexport { readFile };\n')).toEqual([
      "no-restricted-imports",
    ]);
    expect(await rulesFired("workers/log/x.ts", 'import fs from "fs";\nexport { fs };\n')).toEqual(["no-restricted-imports"]);
  });

  it("allows node: modules in node-fs-storage.ts and in tests", async () => {
    const code = 'import { readFile } from "node:fs/promises";\nexport { readFile };\n';
    expect(await rulesFired("workers/storage/node-fs-storage.ts", code)).toEqual([]);
    expect(await rulesFired("workers/log/segment.test.ts", code)).toEqual([]);
  });

  it("rejects UI libraries", async () => {
    expect(await rulesFired("workers/streams/x.ts", 'import { useState } from "react";\nexport { useState };\n')).toEqual([
      "no-restricted-imports",
    ]);
  });

  it("rejects any import of src/, type-only included, from any depth", async () => {
    expect(await rulesFired("workers/log/x.ts", 'import { a } from "../../src/app";\nexport { a };\n')).toEqual(["seams/no-import-across"]);
    expect(await rulesFired("workers/log/x.ts", 'import type { S } from "../../src/state/store";\nexport type { S };\n')).toEqual([
      "seams/no-import-across",
    ]);
    expect(await rulesFired("workers/broker.worker.ts", 'import { a } from "../src/engine-client/api";\nexport { a };\n')).toEqual([
      "seams/no-import-across",
    ]);
    expect(await rulesFired("workers/log/x.ts", 'export { a } from "../../src/app/a";\n')).toEqual(["seams/no-import-across"]);
  });

  it("allows imports between engine areas", async () => {
    expect(
      await rulesFired("workers/broker/x.ts", 'import type { Clock } from "../runtime/clock";\nimport { KafkaError } from "../protocol/errors";\nexport type { Clock };\nexport { KafkaError };\n'),
    ).toEqual([]);
  });
});

describe("the UI reaches the engine only through src/engine-client/", () => {
  it("rejects a view importing an engine module", async () => {
    const findings = await lint("src/app/x.tsx", 'import { PartitionLog } from "../../workers/log/partition-log";\nexport { PartitionLog };\n');
    expect(findings.map((f) => f.rule)).toEqual(["seams/no-import-across"]);
    expect(findings[0]?.message).toContain("src/engine-client/");
  });

  it("rejects type-only and dynamic imports and worker URLs outside engine-client", async () => {
    expect(await rulesFired("src/views/partitions/x.tsx", 'import type { T } from "../../../workers/log/types";\nexport type { T };\n')).toEqual([
      "seams/no-import-across",
    ]);
    expect(await rulesFired("src/state/x.ts", 'export const m = () => import("../../workers/broker/broker");\n')).toEqual([
      "seams/no-import-across",
    ]);
    expect(
      await rulesFired("src/app/x.ts", 'export const w = new Worker(new URL("../../workers/broker.worker.ts", import.meta.url), { type: "module" });\n'),
    ).toEqual(["seams/no-import-across"]);
  });

  it("lets engine-client import types, worker entry points and protocol", async () => {
    expect(await rulesFired("src/engine-client/broker.ts", 'import type { Broker } from "../../workers/broker/broker";\nexport type { Broker };\n')).toEqual([]);
    expect(
      await rulesFired("src/engine-client/broker.ts", 'import BrokerWorker from "../../workers/broker.worker?worker";\nexport { BrokerWorker };\n'),
    ).toEqual([]);
    expect(
      await rulesFired("src/engine-client/broker.ts", 'export const w = new Worker(new URL("../../workers/broker.worker.ts", import.meta.url), { type: "module" });\n'),
    ).toEqual([]);
    expect(await rulesFired("src/engine-client/errors.ts", 'import { KafkaError } from "../../workers/protocol/errors";\nexport { KafkaError };\n')).toEqual([]);
  });

  it("rejects engine-client pulling engine modules onto the main thread", async () => {
    expect(await rulesFired("src/engine-client/x.ts", 'import { PartitionLog } from "../../workers/log/partition-log";\nexport { PartitionLog };\n')).toEqual([
      "seams/no-import-across",
    ]);
  });

  it("keeps the CLI off the UI", async () => {
    expect(await rulesFired("bin/run.ts", 'import { App } from "../src/app/app";\nexport { App };\n')).toEqual(["seams/no-import-across"]);
  });
});

describe("code hygiene", () => {
  it("rejects console and explicit any in engine code, not in its tests", async () => {
    expect(await rulesFired("workers/log/x.ts", 'console.log("x");\n')).toEqual(["no-console"]);
    expect(await rulesFired("workers/log/x.ts", "export const f = (a: any) => a;\n")).toEqual(["@typescript-eslint/no-explicit-any"]);
    expect(await rulesFired("workers/log/x.test.ts", 'console.log("x");\nexport const f = (a: any) => a;\n')).toEqual([]);
  });

  it("rejects unused variables unless they start with _", async () => {
    expect(await rulesFired("workers/log/x.ts", "export function f(_unused: number, used: number) { return used; }\n")).toEqual([]);
    expect(await rulesFired("workers/log/x.ts", "export function f() { const unused = 1; return 2; }\n")).toEqual([
      "@typescript-eslint/no-unused-vars",
    ]);
  });

  it("ignores build output", async () => {
    expect(await eslint.isPathIgnored(join(root, "dist/assets/index.js"))).toBe(true);
    expect(await eslint.isPathIgnored(join(root, "workers/log/x.ts"))).toBe(false);
  });
});
