/**
 * Turning a compiled topology into the function that builds it. The module's code is
 * evaluated with `new Function`, which is acceptable only because this runs inside the
 * application's own worker: that worker is the sandbox. It holds no broker data and
 * reaches the broker only through the DSL and its port, so code that misbehaves can at
 * worst break its own application, and the watchdog ends a worker that stops answering.
 */
import type { StreamsBuilder } from "../index";
import { DSL_MODULE_NAME, USER_SOURCE_NAME, type CompiledTopology } from "./compiled-topology";
import { errorsOf, formatDiagnostic } from "./diagnostic";
import { mapStack, messageOf, recordFirstLine, type MappedError } from "./map-stack";

export type TopologyFactory = (builder: StreamsBuilder) => void;

/** A topology that cannot be loaded: compile errors, or its module failed while loading. */
export class TopologyLoadError extends Error {
  constructor(
    readonly applicationId: string,
    message: string,
    /** The error in the user's terms when the module itself threw. */
    readonly mapped?: MappedError,
  ) {
    super(`${applicationId}: ${message}`);
    this.name = "TopologyLoadError";
  }
}

// Worker and host globals shadowed inside the module, so that a topology that names them
// by accident (`postMessage(...)` copied from a worker example) fails plainly instead of
// talking to the worker's own protocol. This is a guard against mistakes, not a security
// boundary: the worker is.
const SHADOWED = [
  "self",
  "globalThis",
  "postMessage",
  "onmessage",
  "onmessageerror",
  "addEventListener",
  "removeEventListener",
  "close",
  "importScripts",
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "Worker",
  "SharedWorker",
  "BroadcastChannel",
  "MessageChannel",
  "indexedDB",
  "caches",
  "navigator",
  "process",
];

const PROBE = "__streamlab_first_line__";

/**
 * Evaluates the compiled module with "streamlab" resolved to `dsl` (the DSL module's
 * namespace object) and returns its default export, wrapped to refuse a topology that
 * returns a Promise. Errors thrown later by the returned function (while building) or by
 * its callbacks (while processing) are the caller's to map with `mapStack`.
 */
export function loadTopologyFactory(compiled: CompiledTopology, dsl: object): TopologyFactory {
  const { applicationId, sourceMap } = compiled;
  const errors = errorsOf(compiled.diagnostics);
  if (errors.length > 0) {
    throw new TopologyLoadError(applicationId, `${USER_SOURCE_NAME} does not compile:\n${errors.map(formatDiagnostic).join("\n")}`);
  }
  // The worker is the sandbox; a page must never evaluate user code on its own thread.
  if ("document" in globalThis) {
    throw new TopologyLoadError(applicationId, "topologies run in their own worker, never on the page's main thread");
  }

  // Line 1 of the body records where it appears in stack frames, so mapStack can find
  // the generated lines below it; the directive keeps the whole module strict.
  const body = `"use strict"; ${PROBE}(new Error());\n${compiled.js}\n//# sourceURL=${sourceMap.file}\n`;
  const evaluate = new Function("exports", "require", "module", PROBE, ...SHADOWED, body) as (...args: unknown[]) => void;
  const module = { exports: {} as Record<string, unknown> };
  const requireDsl = (name: unknown) => {
    if (name === DSL_MODULE_NAME) return dsl;
    throw new Error(`Cannot find module '${String(name)}': a topology can import only "${DSL_MODULE_NAME}"`);
  };
  const probe = (marker: Error) => {
    const match = new RegExp(`${sourceMap.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):\\d+`).exec(marker.stack ?? "");
    // The probe is body line 1, which holds no generated code: generated line 1 is below it.
    if (match) recordFirstLine(sourceMap.file, Number(match[1]) + 1);
  };
  try {
    evaluate(module.exports, requireDsl, module, probe);
  } catch (error) {
    const mapped = mapStack(error, sourceMap);
    throw new TopologyLoadError(applicationId, `${USER_SOURCE_NAME} threw while loading: ${messageOf(error)}`, mapped);
  }

  const factory = module.exports.default;
  if (typeof factory !== "function") {
    throw new TopologyLoadError(applicationId, `${USER_SOURCE_NAME} has no default export function`);
  }
  return (builder: StreamsBuilder) => {
    const result: unknown = factory(builder);
    if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
      throw new TopologyLoadError(applicationId, "the default export returned a Promise; it must build the topology before it returns");
    }
  };
}
