// The seams of DESIGN.md, enforced. `npm run lint` runs with --max-warnings=0, so every
// rule here is an error in effect. scripts/lint-seams.test.ts proves each seam rule fires.
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { defineConfig } from "eslint/config";
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import seams from "./scripts/eslint/seams-plugin.js";

const root = fileURLToPath(new URL(".", import.meta.url));

const TS = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"];
const JS = ["**/*.js", "**/*.mjs", "**/*.cjs"];
const WORKERS = ["workers/**/*.ts"];
const WORKER_TESTS = ["workers/**/*.test.ts"];

// Files in workers/ allowed to touch the platform: the runtime supplies the injected clock,
// scheduler and randomness; entry points wire Comlink and OPFS; two storage backends own
// their platform's file API.
const PLATFORM_FILES = [
  "workers/runtime/**",
  "workers/**/*.worker.ts",
  "workers/storage/opfs-storage.ts",
  "workers/storage/node-fs-storage.ts",
];

const CLOCK = "Engine code reads time from the injected Clock (workers/runtime/clock.ts).";
const TIMER = "Engine code defers work through the injected Scheduler (workers/runtime/scheduler.ts).";
const RANDOM = "Engine code draws randomness from the injected Random (workers/runtime/random.ts).";
const PLATFORM = "Engine code runs unchanged in Node, the CLI and workers: no DOM or worker globals (wire them in a *.worker.ts).";
const NODE_ONLY = "Engine code also runs in browsers: no Node-only globals (use Uint8Array, pass config in).";

const DOM_AND_WORKER_GLOBALS = [
  "window",
  "document",
  "self",
  "navigator",
  "location",
  "history",
  "localStorage",
  "sessionStorage",
  "indexedDB",
  "caches",
  "postMessage",
  "onmessage",
  "importScripts",
  "close",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "Worker",
  "SharedWorker",
  "MessageChannel",
  "BroadcastChannel",
  "alert",
  "confirm",
  "prompt",
].map((name) => ({ name, message: PLATFORM }));

const TIME_AND_RANDOM_GLOBALS = [
  ...["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"].map((name) => ({
    name,
    message: TIMER,
  })),
  { name: "performance", message: CLOCK },
  { name: "crypto", message: RANDOM },
];

const NODE_GLOBALS = ["process", "Buffer", "global", "require", "module", "__dirname", "__filename"].map((name) => ({
  name,
  message: NODE_ONLY,
}));

const restrictedGlobals = (list) => ["error", { globals: list, checkGlobalObject: true }];

const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, "")))];
const NODE_IMPORTS = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message: "Engine code also runs in browsers: only workers/storage/node-fs-storage.ts and tests import Node modules.",
  })),
  patterns: [
    {
      group: ["node:*"],
      message: "Engine code also runs in browsers: only workers/storage/node-fs-storage.ts and tests import Node modules.",
    },
  ],
};
const UI_IMPORTS = {
  paths: ["react", "react-dom", "zustand", "d3"].map((name) => ({
    name,
    message: "UI libraries stay on the main thread (src/); the engine sends events and ranges instead.",
  })),
  patterns: [
    {
      group: ["react-dom/*", "d3-*", "zustand/*"],
      message: "UI libraries stay on the main thread (src/); the engine sends events and ranges instead.",
    },
  ],
};
const restrictedImports = (...sets) => [
  "error",
  {
    paths: sets.flatMap((set) => set.paths),
    patterns: sets.flatMap((set) => set.patterns),
  },
];

export default defineConfig(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      "test-results/**",
      "playwright-report/**",
      "e2e/screenshots/**",
      ".streamlab-data/**",
      "public/**",
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    settings: { seams: { root } },
  },

  js.configs.recommended,
  {
    files: JS,
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },

  ...tseslint.configs.recommended.map((config) => ({ ...config, files: config.files ?? TS })),
  {
    files: TS,
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // Where each kind of code runs.
  { files: ["src/**"], languageOptions: { globals: { ...globals.browser } } },
  { files: WORKERS, languageOptions: { globals: { ...globals["shared-node-browser"] } } },
  { files: ["workers/**/*.worker.ts"], languageOptions: { globals: { ...globals.worker } } },
  { files: WORKER_TESTS, languageOptions: { globals: { ...globals.node } } },
  {
    files: ["bin/**", "scripts/**", "bench/**", "e2e/**", "*.config.ts", "*.config.js"],
    languageOptions: { globals: { ...globals.node } },
  },
  // e2e tests and Chromium benchmarks pass callbacks to page.evaluate, which run in the page.
  { files: ["e2e/**", "bench/**"], languageOptions: { globals: { ...globals.node, ...globals.browser } } },

  // Seam 1 and 3: engine code is plain TypeScript with time and randomness injected.
  {
    files: WORKERS,
    ignores: PLATFORM_FILES,
    rules: {
      "no-restricted-globals": restrictedGlobals([...DOM_AND_WORKER_GLOBALS, ...TIME_AND_RANDOM_GLOBALS, ...NODE_GLOBALS]),
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: CLOCK },
        { object: "Math", property: "random", message: RANDOM },
        { object: "performance", property: "now", message: CLOCK },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.type='Identifier'][callee.name='Date'][arguments.length=0]",
          message: `new Date() reads the wall clock. ${CLOCK} Use new Date(clock.now()).`,
        },
        {
          selector: "CallExpression[callee.type='Identifier'][callee.name='Date']",
          message: `Date() reads the wall clock. ${CLOCK}`,
        },
      ],
    },
  },
  // Tests run in Node and may use its globals; they stay deterministic all the same.
  {
    files: WORKER_TESTS,
    ignores: PLATFORM_FILES,
    rules: {
      "no-restricted-globals": restrictedGlobals([...DOM_AND_WORKER_GLOBALS, ...TIME_AND_RANDOM_GLOBALS]),
    },
  },

  // Imports into workers/: no Node modules (except Node storage and tests), no UI libraries.
  { files: WORKERS, rules: { "no-restricted-imports": restrictedImports(NODE_IMPORTS, UI_IMPORTS) } },
  {
    files: ["workers/storage/node-fs-storage.ts", ...WORKER_TESTS],
    rules: { "no-restricted-imports": restrictedImports(UI_IMPORTS) },
  },

  // Seam between the two halves: the engine never imports the UI; the UI reaches the
  // engine only through src/engine-client/.
  { plugins: { seams: seams } },
  {
    files: ["workers/**", "bin/**"],
    rules: {
      "seams/no-import-across": [
        "error",
        { into: "src", message: "engine code and the CLI never import the UI; the UI calls the engine, not the reverse." },
      ],
    },
  },
  {
    files: ["src/**"],
    ignores: ["src/engine-client/**"],
    rules: {
      "seams/no-import-across": [
        "error",
        { into: "workers", message: "the UI reaches the engine only through src/engine-client/ (typed Comlink proxies)." },
      ],
    },
  },
  {
    files: ["src/engine-client/**"],
    rules: {
      "seams/no-import-across": [
        "error",
        {
          into: "workers",
          allowTypeOnly: true,
          // workers/client's entry is the KafkaJS-shaped client library, made to run on the
          // page against the broker worker (src/engine-client/kafka-client.ts).
          allow: ["\\.worker(\\.[cm]?[jt]s)?$", "^workers/protocol/", "^workers/client(/index(\\.ts)?)?$"],
          message:
            "engine modules run in workers, not on the main thread: start a *.worker entry point, `import type` its API, or use workers/protocol/ (errors, configs) or the client library's entry, workers/client.",
        },
      ],
    },
  },

  // Engine code: no explicit any, no console (the engine reports through events and errors).
  {
    files: WORKERS,
    ignores: WORKER_TESTS,
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "error",
    },
  },
  // Tests may build deliberately malformed input.
  { files: ["**/*.test.ts", "**/*.test.tsx"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
