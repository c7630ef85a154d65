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

describe("the SQL tab's example", () => {
  it("runs on the first world: a stream over clicks and a push query whose rows arrive", async () => {
    const { BrokerEngineApi } = await import("../workers/engine/engine-api");
    const { MemoryStorage } = await import("../workers/storage/memory-storage");
    const { WallClockDriver } = await import("../workers/runtime/wall-clock-driver");
    const { inProcess } = await import("../workers/streams/runtime/test-support");
    const { SQL_EXAMPLE } = await import("../src/views/editor/templates");
    const api = new BrokerEngineApi({
      wallTime: () => Date.UTC(2025, 0, 15, 9, 30),
      driveClock: (target) => new WallClockDriver({ ...target, playing: false, setTimer: () => () => {}, wallNow: () => 0 }),
      requestFrame: () => {},
      firstWorld: true,
      processing: inProcess,
    });
    await api.start(new MemoryStorage());
    const run = await api.executeSql(SQL_EXAMPLE);
    expect(run.error).toBeUndefined();
    expect(run.results.map((r) => r.statement.kind)).toEqual(["CreateSource", "QueryStatement"]);
    const pushId = run.results[1]!.pushQueryId!;
    expect(pushId).toBeDefined();
    let rows = 0;
    for (let i = 0; i < 30 && rows === 0; i++) {
      await api.step(1000);
      rows = (await api.pushQueryRows(pushId, 0)).rows.length;
    }
    expect(rows).toBeGreaterThan(0);
    const view = await api.pushQueryRows(pushId, 0);
    expect(view.columns.map((c) => c.name)).toEqual(expect.arrayContaining(["PAGE", "VIEWS"]));
    await api.cancelPushQuery(pushId);
    await api.shutdown();
  }, 60_000);
});
