import { describe, expect, it } from "vitest";
import * as dsl from "../index";
import { StreamsBuilder, TopologyTestDriver } from "../index";
import { compileTopology } from "./compile";
import { TopologyLoadError, loadTopologyFactory } from "./load";
import { nodeLibFiles } from "./node-lib-files";
import { formatUserError, mapStack } from "./map-stack";

const libs = nodeLibFiles();

function load(source: string, applicationId = "app") {
  const compiled = compileTopology(applicationId, source, libs);
  return { compiled, factory: loadTopologyFactory(compiled, dsl) };
}

function driverFor(source: string, applicationId = "app") {
  const { compiled, factory } = load(source, applicationId);
  const builder = new StreamsBuilder();
  factory(builder);
  return { compiled, driver: new TopologyTestDriver(builder.build(), { applicationId }) };
}

const SCENARIO_EXAMPLE = `import { type StreamsBuilder, TimeWindows } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, { app_id: string }>("apps_opened")
    .groupBy((_k, v) => v.app_id)
    .windowedBy(TimeWindows.ofSizeWithNoGrace(86_400_000))
    .count()
    .toStream()
    .to("opened_per_day");
};
`;

const DAY = 86_400_000;

describe("loadTopologyFactory", () => {
  it("runs SCENARIO.md's example through the test driver", () => {
    const { driver } = driverFor(SCENARIO_EXAMPLE, "opened-per-day");
    const input = driver.createInputTopic<string, { app_id: string }>("apps_opened");
    input.pipeInput("u1", { app_id: "maps" }, 1_000);
    input.pipeInput("u2", { app_id: "maps" }, 2_000);
    input.pipeInput("u3", { app_id: "mail" }, 3_000);
    input.pipeInput("u1", { app_id: "maps" }, DAY + 5);
    const out = driver.createOutputTopic("opened_per_day").readRecordsToList();
    expect(out.map((r) => [(r.key as dsl.Windowed<string>).key(), r.window, r.value])).toEqual([
      ["maps", { start: 0, end: DAY }, 1],
      ["maps", { start: 0, end: DAY }, 2],
      ["mail", { start: 0, end: DAY }, 1],
      ["maps", { start: DAY, end: 2 * DAY }, 1],
    ]);
  });

  it("resolves every streamlab import to the DSL module it was given", () => {
    const { driver } = driverFor(`import { type StreamsBuilder, Produced, Serdes } from "streamlab";
import * as streamlab from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("words")
    .mapValues((v) => v.toUpperCase())
    .filter((_k, v) => v.length > 0)
    .to("upper", Produced.with(Serdes.String(), Serdes.String()));
  if (streamlab.StreamsBuilder === undefined) throw new Error("no namespace import");
};
`);
    driver.createInputTopic<string, string>("words").pipeInput("k", "hello", 0);
    expect(driver.createOutputTopic<string, string>("upper").readValuesToList()).toEqual(["HELLO"]);
  });

  it("refuses a topology with compile errors, listing them", () => {
    const compiled = compileTopology("bad-app", `export default (b: number) => b;\n`, libs);
    expect(() => loadTopologyFactory(compiled, dsl)).toThrow(TopologyLoadError);
    expect(() => loadTopologyFactory(compiled, dsl)).toThrow(
      /^bad-app: topology\.ts does not compile:\nbad-app:1:16: the default export must be a function/,
    );
  });

  it("gives a module that imports anything else a plain error at load time", () => {
    // Compile errors block loading, so build the case by hand: the loader is the last line of defence.
    const compiled = { ...compileTopology("app", `export default () => {};\n`, libs) };
    const sneaky = { ...compiled, js: `"use strict";\nconst fs = require("fs");\nexports.default = () => fs;\n` };
    expect(() => loadTopologyFactory(sneaky, dsl)).toThrow(`Cannot find module 'fs': a topology can import only "streamlab"`);
  });

  it("reports a module that throws while loading, at the user's line", () => {
    const source = `import type { StreamsBuilder } from "streamlab";
const table: Record<string, number> = JSON.parse("{oops");
export default (builder: StreamsBuilder) => { void builder; void table; };
`;
    const compiled = compileTopology("loader-app", source, libs);
    let caught: unknown;
    try {
      loadTopologyFactory(compiled, dsl);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TopologyLoadError);
    const error = caught as TopologyLoadError;
    expect(error.message).toMatch(/^loader-app: topology\.ts threw while loading: SyntaxError: /);
    expect(error.mapped?.frames.map((f) => [f.line, f.column])).toEqual([[2, 44]]);
  });

  it("shadows the worker's own globals inside user code", () => {
    const { factory } = load(`import type { StreamsBuilder } from "streamlab";
declare const postMessage: unknown, self: unknown, globalThis: unknown;
export default (builder: StreamsBuilder) => {
  if (postMessage !== undefined || self !== undefined || globalThis !== undefined) throw new Error("reachable");
  void builder;
};
`);
    expect(() => factory(new StreamsBuilder())).not.toThrow();
  });

  it("refuses a default export that returns a Promise at run time", () => {
    const compiled = compileTopology("app", `export default () => {};\n`, libs);
    const asyncModule = { ...compiled, js: `"use strict";\nexports.default = async () => {};\n` };
    const factory = loadTopologyFactory(asyncModule, dsl);
    expect(() => factory(new StreamsBuilder())).toThrow("the default export returned a Promise");
  });
});

describe("mapStack", () => {
  const THROWING = `import { type StreamsBuilder } from "streamlab";

function check(v: string): string {
  if (v === "bad") throw new Error(\`cannot handle \${v}\`);
  return v;
}

export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("in")
    .mapValues((v) => {
      const checked = check(v);
      return checked.length;
    })
    .to("out");
};
`;

  it("maps a throw inside mapValues to the user's lines, through the engine's StreamsException", () => {
    const { compiled, driver } = driverFor(THROWING, "checker");
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("a", "good", 0);
    let caught: unknown;
    try {
      input.pipeInput("b", "bad", 1);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(dsl.StreamsException);
    expect((caught as dsl.StreamsException).origin).toMatchObject({ topic: "in", partition: 0, offset: 1 });

    const mapped = mapStack(caught, compiled.sourceMap);
    // The innermost user frame is where check() built the Error, then the mapValues lambda that called it.
    expect(mapped.frames.map((f) => [f.functionName, f.line, f.column])).toEqual([
      ["check", 4, 26],
      [undefined, 11, 23],
    ]);
    expect(mapped.message).toMatch(/^StreamsException: Exception caught in process\. .*topic=in, partition=0, offset=1, error=/);
    expect(mapped.stack.split("\n").slice(1)).toEqual([
      "Caused by: Error: cannot handle bad",
      "    at check (topology.ts:4:26)",
      "    at topology.ts:11:23",
    ]);
    expect(formatUserError("checker", caught, compiled.sourceMap)).toMatch(/^checker:4:26: StreamsException: Exception caught in process\./);
  });

  it("maps an error thrown while building the topology to the call in the user's source", () => {
    const { compiled, factory } = load(`import { type StreamsBuilder, TimeWindows } from "streamlab";
export default (builder: StreamsBuilder) => {
  const windows = TimeWindows.ofSizeWithNoGrace(-5);
  builder.stream("in").groupByKey().windowedBy(windows).count();
};
`);
    let caught: unknown;
    try {
      factory(new StreamsBuilder());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    const mapped = mapStack(caught, compiled.sourceMap);
    expect(mapped.frames.map((f) => [f.functionName, f.line, f.column])).toEqual([["default export", 3, 31]]);
    expect(formatUserError("app", caught, compiled.sourceMap)).toMatch(/^app:3:31: IllegalArgumentException: /);
  });

  it("keeps only the message of errors that did not pass through user code", () => {
    const { compiled } = load(SCENARIO_EXAMPLE);
    expect(mapStack(new Error("engine trouble"), compiled.sourceMap)).toEqual({
      message: "Error: engine trouble",
      frames: [],
      stack: "Error: engine trouble",
    });
    expect(mapStack("a string", compiled.sourceMap).message).toBe("a string");
    expect(mapStack({ code: 7 }, compiled.sourceMap).message).toBe('{"code":7}');
    expect(formatUserError("app", new Error("engine trouble"), compiled.sourceMap)).toBe("app: Error: engine trouble");
  });

  it("keeps two applications' frames apart", () => {
    const a = driverFor(THROWING, "app-a");
    const b = load(THROWING.replace("\nfunction check", "\n\n\nfunction check"), "app-b");
    let caught: unknown;
    try {
      a.driver.createInputTopic<string, string>("in").pipeInput("k", "bad", 0);
    } catch (e) {
      caught = e;
    }
    expect(mapStack(caught, a.compiled.sourceMap).frames.map((f) => f.line)).toEqual([4, 11]);
    expect(mapStack(caught, b.compiled.sourceMap).frames).toEqual([]);
  });
});
