// The editor's templates are real topologies: each type-checks against the "streamlab"
// declarations and builds, as the engine will compile it when the template is run.
import { describe, expect, it } from "vitest";
import { TEMPLATES } from "../src/views/editor/templates";
import { compileTopology } from "../workers/streams/user-code/compile";
import { errorsOf, formatDiagnostic } from "../workers/streams/user-code/diagnostic";
import { nodeLibFiles } from "../workers/streams/user-code/node-lib-files";
import { loadTopologyFactory } from "../workers/streams/user-code/load";
import * as dsl from "../workers/streams/index";
import { FIRST_APPLICATION_SOURCE } from "../workers/engine/first-world";

describe("editor templates", () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))("%s compiles and builds a topology reading its topics", (_id, t) => {
    const compiled = compileTopology(t.applicationId, t.source, nodeLibFiles());
    expect(errorsOf(compiled.diagnostics).map(formatDiagnostic)).toEqual([]);
    const builder = new dsl.StreamsBuilder();
    loadTopologyFactory(compiled, dsl)(builder);
    const topology = builder.build();
    const sources = topology.nodes().flatMap((n) => (n.kind === "source" ? n.topics : []));
    for (const topic of t.reads) expect(sources).toContain(topic);
  });

  it("the first world's application is the tumbling-count template", () => {
    expect(TEMPLATES.find((t) => t.id === "tumbling-count")!.source).toBe(FIRST_APPLICATION_SOURCE);
  });
});
