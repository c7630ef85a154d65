import type { TopologyDiagnostic } from "./diagnostic";
import type { SourceMapV3 } from "./source-map";

/** The name user code has in diagnostics, source maps and mapped stacks. */
export const USER_SOURCE_NAME = "topology.ts";
/** The module name topologies import the DSL from. */
export const DSL_MODULE_NAME = "streamlab";

/**
 * A compiled topology: plain data, so it can be compiled in one place (the runner, the
 * editor) and posted to the application's worker that loads it.
 */
export interface CompiledTopology {
  readonly applicationId: string;
  /** CommonJS module text: `require("streamlab")` for the DSL, the topology on `exports.default`. */
  readonly js: string;
  /** Maps `js` back to topology.ts; `file` is the name the loader gives the module's code. */
  readonly sourceMap: SourceMapV3;
  /** Empty for a topology that may run; errors block loading. */
  readonly diagnostics: readonly TopologyDiagnostic[];
}

/**
 * What a stack frame calls the loaded module: unique per application, so that frames of
 * two topologies loaded into one process never mix. Kafka's application.id allows only
 * [a-zA-Z0-9._-]; anything else is replaced, as the name must stay one URL-like token.
 */
export function moduleUrlFor(applicationId: string): string {
  return `streamlab-app/${applicationId.replace(/[^A-Za-z0-9._-]/g, "_")}/topology.js`;
}
