import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { OUTPUT, REFRESH_COMMAND, ROOT, buildDslTypes } from "../../../scripts/build-dsl-types.mjs";
import * as dsl from "../index";
import { STREAMLAB_DTS } from "./generated/streamlab-dts";
import { ES2022_LIB_FILE_NAMES, USER_GLOBALS_FILE_NAME, USER_GLOBALS_TEXT } from "./lib-files";
import { nodeLibFiles } from "./node-lib-files";

/** A program over the declarations alone, with the lib a topology gets, checking the .d.ts too. */
function declarationProgram(extra: Record<string, string> = {}) {
  const files = new Map<string, string>([
    ...[...nodeLibFiles()].map(([name, text]) => [`/lib/${name}`, text] as const),
    [`/lib/${USER_GLOBALS_FILE_NAME}`, USER_GLOBALS_TEXT],
    ["/streamlab.d.ts", STREAMLAB_DTS],
    ...Object.entries(extra),
  ]);
  const options: ts.CompilerOptions = { noLib: true, strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, skipLibCheck: false, types: [] };
  const host: ts.CompilerHost = {
    getSourceFile: (f, v) => (files.has(f) ? ts.createSourceFile(f, files.get(f)!, v) : undefined),
    getDefaultLibFileName: () => "/lib/lib.es2022.d.ts",
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (f) => files.has(f),
    readFile: (f) => files.get(f),
  };
  return ts.createProgram({ rootNames: [...files.keys()], options, host });
}

describe("the generated streamlab declarations", () => {
  it("are up to date with workers/streams/index.ts", () => {
    const fresh = buildDslTypes();
    const current = readFileSync(join(ROOT, OUTPUT), "utf8");
    expect(current === fresh, `${OUTPUT} is stale: the DSL's public API changed. Refresh it with \`${REFRESH_COMMAND}\` and commit the result.`).toBe(true);
    // Declaration emit type-checks the whole DSL: seconds on an idle machine, more under load.
  }, 120_000);

  it("are one ambient module that type-checks against the ES2022 lib alone", () => {
    const program = declarationProgram();
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
    const declared = program.getTypeChecker().getAmbientModules().map((m) => m.name);
    expect(declared).toEqual(['"streamlab"']);
  });

  it("declare every value the DSL module exports, as a value", () => {
    const probe = `import * as streamlab from "streamlab";\n${Object.keys(dsl)
      .map((name) => `void streamlab.${name};`)
      .join("\n")}\n`;
    const program = declarationProgram({ "/probe.ts": probe });
    const problems = ts
      .getPreEmitDiagnostics(program, program.getSourceFile("/probe.ts"))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
    expect(Object.keys(dsl)).toEqual(expect.arrayContaining(["StreamsBuilder", "TimeWindows", "KStream", "Materialized"]));
  });
});

describe("lib files", () => {
  it("list lib.es2022.d.ts and everything it references", () => {
    const closure: string[] = [];
    const libs = nodeLibFiles();
    const visit = (name: string) => {
      if (closure.includes(name)) return;
      const text = libs.get(name);
      expect(text, `${name} is referenced but not loaded`).toBeDefined();
      for (const m of (text ?? "").matchAll(/\/\/\/\s*<reference lib="([^"]+)"/g)) visit(`lib.${m[1]}.d.ts`);
      closure.push(name);
    };
    visit("lib.es2022.d.ts");
    expect([...closure].sort()).toEqual([...ES2022_LIB_FILE_NAMES].sort());
  });

  it("are the same texts in the browser bundle as on disk", async () => {
    // Vitest resolves Vite's ?raw imports as the browser build does.
    const { browserLibFiles } = await import("./browser-lib-files");
    expect([...browserLibFiles().keys()]).toEqual([...ES2022_LIB_FILE_NAMES]);
    for (const [name, text] of nodeLibFiles()) expect(browserLibFiles().get(name) === text, name).toBe(true);
  });
});
