/**
 * Compiling a user's topology: type-check `topology.ts` against the "streamlab" module's
 * declarations and the ES2022 lib, then emit CommonJS with a source map. Everything lives
 * in memory, so the same code runs in Node and in the browser's streams worker; only the
 * lib texts differ in where they come from (see lib-files.ts).
 */
import ts from "typescript";
import type { TopologyDiagnostic } from "./diagnostic";
import { STREAMLAB_DTS } from "./generated/streamlab-dts";
import { USER_GLOBALS_FILE_NAME, USER_GLOBALS_TEXT, type LibFiles } from "./lib-files";
import type { SourceMapV3 } from "./source-map";
import { DSL_MODULE_NAME, USER_SOURCE_NAME, moduleUrlFor, type CompiledTopology } from "./compiled-topology";

export { DSL_MODULE_NAME, USER_SOURCE_NAME, moduleUrlFor, type CompiledTopology };

const USER_PATH = `/${USER_SOURCE_NAME}`;
const DSL_PATH = "/streamlab.d.ts";
const LIB_DIR = "/lib/";

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleDetection: ts.ModuleDetectionKind.Force,
  strict: true,
  noLib: true,
  // The declarations are checked once, by a test of the generated file, not on every compile.
  skipLibCheck: true,
  types: [],
  sourceMap: true,
  newLine: ts.NewLineKind.LineFeed,
  esModuleInterop: false,
  noEmitOnError: false,
};

const CATEGORY: Record<ts.DiagnosticCategory, TopologyDiagnostic["category"]> = {
  [ts.DiagnosticCategory.Error]: "error",
  [ts.DiagnosticCategory.Warning]: "warning",
  [ts.DiagnosticCategory.Suggestion]: "suggestion",
  [ts.DiagnosticCategory.Message]: "message",
};

/**
 * Compiles topologies against one set of lib texts. The parsed (and, after the first
 * check, bound) declaration files are kept between compiles; only topology.ts is parsed
 * anew, which keeps a re-check fast enough to run on every edit.
 */
export class TopologyCompiler {
  private readonly sharedFiles = new Map<string, ts.SourceFile>();
  private readonly rootNames: string[];
  private oldProgram: ts.Program | undefined;

  constructor(libs: LibFiles, dslDeclarations: string = STREAMLAB_DTS) {
    const add = (path: string, text: string) => {
      this.sharedFiles.set(path, ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, false));
    };
    for (const [name, text] of libs) add(LIB_DIR + name, text);
    add(LIB_DIR + USER_GLOBALS_FILE_NAME, USER_GLOBALS_TEXT);
    add(DSL_PATH, dslDeclarations);
    this.rootNames = [...this.sharedFiles.keys(), USER_PATH];
  }

  compile(applicationId: string, source: string): CompiledTopology {
    const userFile = ts.createSourceFile(USER_PATH, source, ts.ScriptTarget.ES2022, true);
    const outputs = new Map<string, string>();
    const files = this.sharedFiles;
    const host: ts.CompilerHost = {
      getSourceFile: (fileName) => (fileName === USER_PATH ? userFile : files.get(fileName)),
      getDefaultLibFileName: () => `${LIB_DIR}lib.es2022.d.ts`,
      writeFile: (fileName, text) => outputs.set(fileName, text),
      getCurrentDirectory: () => "/",
      getCanonicalFileName: (fileName) => fileName,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => "\n",
      fileExists: (fileName) => fileName === USER_PATH || files.has(fileName),
      readFile: (fileName) => (fileName === USER_PATH ? source : files.get(fileName)?.text),
      // Only the ambient "streamlab" module can be imported: nothing resolves to a file.
      resolveModuleNameLiterals: (literals) => literals.map(() => ({ resolvedModule: undefined })),
    };
    const program = ts.createProgram({ rootNames: this.rootNames, options: OPTIONS, host, oldProgram: this.oldProgram });
    this.oldProgram = program;

    const syntactic = program.getSyntacticDiagnostics(userFile);
    const found: ts.Diagnostic[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...syntactic];
    // As tsc does: type errors in a file that does not parse are mostly echoes of the syntax error.
    if (syntactic.length === 0) found.push(...program.getSemanticDiagnostics(userFile));
    const diagnostics = found.map((d) => toDiagnostic(applicationId, d, userFile));
    if (!diagnostics.some((d) => d.category === "error")) {
      diagnostics.push(...checkDefaultExport(applicationId, program, userFile));
    }

    program.emit(userFile);
    const js = outputs.get("/topology.js");
    const mapText = outputs.get("/topology.js.map");
    if (js === undefined || mapText === undefined) throw new Error(`${applicationId}: the compiler produced no output for ${USER_SOURCE_NAME}`);
    const emitted = JSON.parse(mapText) as SourceMapV3;
    return {
      applicationId,
      js: js.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, "\n"),
      sourceMap: { ...emitted, file: moduleUrlFor(applicationId), sources: [USER_SOURCE_NAME] },
      diagnostics,
    };
  }
}

function position(file: ts.SourceFile, offset: number): { line: number; column: number } {
  const { line, character } = file.getLineAndCharacterOfPosition(offset);
  return { line: line + 1, column: character + 1 };
}

function diagnosticAt(
  applicationId: string,
  file: ts.SourceFile,
  start: number,
  length: number,
  message: string,
  code: number,
  category: TopologyDiagnostic["category"],
): TopologyDiagnostic {
  const from = position(file, start);
  const to = position(file, start + length);
  return { applicationId, line: from.line, column: from.column, endLine: to.line, endColumn: to.column, message, code, category };
}

/**
 * Advice that fits a project but not a topology (install @types/node, change the 'lib'
 * option): the user controls neither, so only the first sentence is kept.
 */
function withoutProjectAdvice(message: string): string {
  return message.replace(/^(Cannot find name '[^']+'\.) Do you need to (?:install type definitions|change your target library)[\s\S]*$/, "$1");
}

function toDiagnostic(applicationId: string, d: ts.Diagnostic, userFile: ts.SourceFile): TopologyDiagnostic {
  const message = withoutProjectAdvice(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  const category = CATEGORY[d.category];
  // Problems outside topology.ts (a broken declaration or option) have no user position;
  // they are pinned to the top of the file with the other file's name in the message.
  if (d.file !== userFile || d.start === undefined) {
    const where = d.file ? `${d.file.fileName.replace(/^\//, "")}: ` : "";
    return diagnosticAt(applicationId, userFile, 0, 0, `${where}${message}`, d.code, category);
  }
  return diagnosticAt(applicationId, userFile, d.start, d.length ?? 0, message, d.code, category);
}

/**
 * The default export must be callable with the StreamsBuilder and build the topology
 * before it returns. TypeScript accepts any default export, so this is checked here,
 * where the message can say what is expected.
 */
function checkDefaultExport(applicationId: string, program: ts.Program, userFile: ts.SourceFile): TopologyDiagnostic[] {
  const checker = program.getTypeChecker();
  const fail = (node: ts.Node | undefined, message: string) => {
    const start = node ? node.getStart(userFile) : 0;
    const length = node ? node.getEnd() - start : 0;
    return [diagnosticAt(applicationId, userFile, start, length, message, 0, "error")];
  };
  const moduleSymbol = checker.getSymbolAtLocation(userFile);
  const exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.escapedName === "default");
  if (!exported) {
    return fail(undefined, `${USER_SOURCE_NAME} has no default export: write \`export default (builder: StreamsBuilder) => { … }\``);
  }
  const declaration = exported.declarations?.[0];
  const node = declaration && ts.isExportAssignment(declaration) ? declaration.expression : declaration;
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const type = checker.getTypeOfSymbolAtLocation(target, node ?? userFile);
  const builderType = streamsBuilderType(checker);
  const expected = "the default export must be a function that takes the StreamsBuilder, `(builder: StreamsBuilder) => void`";
  const signatures = type.getCallSignatures();
  if (signatures.length === 0) return fail(node, `${expected}; it is of type '${checker.typeToString(type)}'`);
  const accepts = signatures.some((signature) => {
    const [first, ...rest] = signature.getParameters();
    if (rest.some((p) => !isOptionalParameter(p))) return false;
    if (!first || !builderType) return true;
    return checker.isTypeAssignableTo(builderType, checker.getTypeOfSymbol(first));
  });
  if (!accepts) return fail(node, `${expected}; it is of type '${checker.typeToString(type)}'`);
  const returnsPromise = signatures.every((signature) => signature.getReturnType().getProperty("then") !== undefined);
  if (returnsPromise) {
    return fail(node, "the default export must build the topology before it returns; it returns a Promise (drop `async`)");
  }
  return [];
}

function isOptionalParameter(parameter: ts.Symbol): boolean {
  return (parameter.declarations ?? []).some(
    (d) => ts.isParameter(d) && (d.questionToken !== undefined || d.initializer !== undefined || d.dotDotDotToken !== undefined),
  );
}

function streamsBuilderType(checker: ts.TypeChecker): ts.Type | undefined {
  const dsl = checker.getAmbientModules().find((m) => m.name === `"${DSL_MODULE_NAME}"`);
  const builder = dsl && checker.getExportsOfModule(dsl).find((s) => s.name === "StreamsBuilder");
  if (!builder) return undefined;
  const target = builder.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(builder) : builder;
  return checker.getDeclaredTypeOfSymbol(target);
}

const compilers = new WeakMap<LibFiles, TopologyCompiler>();

/**
 * Compiles one topology; the compiler (and its parsed lib files) is kept per lib set, so
 * repeated calls with `nodeLibFiles()` or `browserLibFiles()` share it.
 */
export function compileTopology(applicationId: string, source: string, libs: LibFiles): CompiledTopology {
  let compiler = compilers.get(libs);
  if (!compiler) {
    compiler = new TopologyCompiler(libs);
    compilers.set(libs, compiler);
  }
  return compiler.compile(applicationId, source);
}
