import { describe, expect, it } from "vitest";
import { compileTopology, moduleUrlFor } from "./compile";
import { errorsOf, formatDiagnostic } from "./diagnostic";
import { nodeLibFiles } from "./node-lib-files";

const libs = nodeLibFiles();
const compile = (source: string, applicationId = "app") => compileTopology(applicationId, source, libs);
const formatted = (source: string) => compile(source).diagnostics.map(formatDiagnostic);

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

describe("compileTopology", () => {
  it("compiles SCENARIO.md's example with no diagnostics, to CommonJS that requires streamlab", () => {
    const compiled = compile(SCENARIO_EXAMPLE, "opened-per-day");
    expect(compiled.diagnostics).toEqual([]);
    expect(compiled.js).toContain('require("streamlab")');
    expect(compiled.js).toContain("exports.default = (builder) =>");
    expect(compiled.js).toContain("streamlab_1.TimeWindows.ofSizeWithNoGrace(86_400_000)");
    expect(compiled.js).not.toContain("sourceMappingURL");
    expect(compiled.sourceMap).toMatchObject({ version: 3, file: "streamlab-app/opened-per-day/topology.js", sources: ["topology.ts"] });
  });

  it("reports a syntax error at its line and column, and only that error", () => {
    const source = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream("t").to("u";
};
`;
    const [d, ...rest] = compile(source, "orders-app").diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ line: 3, column: 29, code: 1005, category: "error", message: "')' expected." });
    expect(formatDiagnostic(d!)).toBe("orders-app:3:29: ')' expected.");
  });

  it("reports a misspelt DSL method with TypeScript's message at the method's name", () => {
    const source = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("t")
    .filtr((k, v) => v.length > 0)
    .to("u");
};
`;
    const errors = errorsOf(compile(source).diagnostics);
    expect(errors[0]).toMatchObject({ line: 4, column: 6, endLine: 4, endColumn: 11, code: 2551 });
    expect(errors[0]?.message).toBe("Property 'filtr' does not exist on type 'KStream<string, string>'. Did you mean 'filter'?");
    // strict: the lambda's parameters lost their contextual type, so noImplicitAny speaks too.
    expect(errors.slice(1).map((e) => [e.code, e.line, e.column])).toEqual([
      [7006, 4, 13],
      [7006, 4, 16],
    ]);
  });

  it("type-checks record types flowing through generics", () => {
    const source = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, number>("t").mapValues((v) => v.toUpperCase()).to("u");
};
`;
    expect(formatted(source)).toEqual(["app:3:58: Property 'toUpperCase' does not exist on type 'number'."]);
  });

  it("rejects too many type arguments", () => {
    const source = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, number, boolean>("t").to("u");
};
`;
    const [d] = compile(source).diagnostics;
    expect(d).toMatchObject({ line: 3, column: 18, code: 2558 });
    expect(d?.message).toMatch(/^Expected 0-2 type arguments, but got 3\.$/);
  });

  it("flattens chained messages", () => {
    const source = `import { type StreamsBuilder, TimeWindows } from "streamlab";
export default (builder: StreamsBuilder) => {
  const w: TimeWindows = 5;
  void w;
  void builder;
};
`;
    const [d] = compile(source).diagnostics;
    expect(d).toMatchObject({ line: 3, column: 9, code: 2322 });
    expect(d?.message).toBe("Type 'number' is not assignable to type 'TimeWindows'.");
  });

  it("allows importing only streamlab", () => {
    expect(formatted(`import { readFileSync } from "fs";\nexport default () => { readFileSync("/etc/passwd"); };\n`)).toEqual([
      "app:1:30: Cannot find module 'fs' or its corresponding type declarations.",
    ]);
  });

  it("offers console but no DOM, worker or Node globals", () => {
    const source = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  console.log(builder);
  postMessage("x");
  process.exit(1);
};
`;
    expect(formatted(source)).toEqual(["app:4:3: Cannot find name 'postMessage'.", "app:5:3: Cannot find name 'process'."]);
  });

  it("runs in strict mode", () => {
    const source = `import { type StreamsBuilder } from "streamlab";
export default (builder) => {
  const n: number = null;
  void n;
};
`;
    expect(compile(source).diagnostics.map((d) => [d.line, d.code])).toEqual([
      [2, 7006],
      [3, 2322],
    ]);
  });

  describe("the default export", () => {
    it("must exist", () => {
      expect(formatted(`import type { StreamsBuilder } from "streamlab";\nexport const build = (b: StreamsBuilder) => b;\n`)).toEqual([
        "app:1:1: topology.ts has no default export: write `export default (builder: StreamsBuilder) => { … }`",
      ]);
    });

    it("must be a function taking the StreamsBuilder", () => {
      expect(formatted(`export default 42;\n`)).toEqual([
        "app:1:16: the default export must be a function that takes the StreamsBuilder, `(builder: StreamsBuilder) => void`; it is of type '42'",
      ]);
      expect(formatted(`\nexport default (n: number) => n;\n`)).toEqual([
        "app:2:16: the default export must be a function that takes the StreamsBuilder, `(builder: StreamsBuilder) => void`; it is of type '(n: number) => number'",
      ]);
    });

    it("must not be async", () => {
      const [d] = compile(`import type { StreamsBuilder } from "streamlab";\nexport default async (builder: StreamsBuilder) => { void builder; };\n`).diagnostics;
      expect(d).toMatchObject({ line: 2, column: 16, code: 0 });
      expect(d?.message).toContain("returns a Promise");
    });

    it("may be a function declaration, a re-export, or take optional extra parameters", () => {
      expect(compile(`import type { StreamsBuilder } from "streamlab";\nexport default function build(b: StreamsBuilder) { void b; }\n`).diagnostics).toEqual([]);
      expect(
        compile(`import { StreamsBuilder } from "streamlab";\nfunction build(b: StreamsBuilder, extra?: number) { void b; void extra; }\nexport { build as default };\n`)
          .diagnostics,
      ).toEqual([]);
      expect(compile(`export default () => {};\n`).diagnostics).toEqual([]);
    });
  });

  it("names the module per application, as a single token", () => {
    expect(moduleUrlFor("word-count_v2.1")).toBe("streamlab-app/word-count_v2.1/topology.js");
    expect(moduleUrlFor("a b/c")).toBe("streamlab-app/a_b_c/topology.js");
  });

  it("gives the same result warm as cold, for a fresh compiler and a reused one", () => {
    const first = compile(SCENARIO_EXAMPLE);
    const bad = compile(SCENARIO_EXAMPLE.replace(".count()", ".cont()"));
    const again = compile(SCENARIO_EXAMPLE);
    expect(errorsOf(bad.diagnostics).map((d) => [d.line, d.column, d.code])).toEqual([[6, 6, 2551]]);
    expect(again).toEqual(first);
  });
});
