// Builds the declarations of the "streamlab" module that user topologies import: the
// public API of workers/streams/index.ts as ONE `declare module "streamlab" { … }` text,
// written as a string constant so Node, the browser bundle and the editor share it.
//
//   node scripts/build-dsl-types.mjs          rewrite the generated file
//   node scripts/build-dsl-types.mjs --check  exit 1 when the generated file is stale
//
// How: the compiler emits declarations for the entry and everything it imports into memory;
// a second program over those .d.ts files gives a checker, which resolves every name to its
// declaration. Declarations reachable from the entry's exports are copied into the one
// module body with imports dropped, `export`/`declare` modifiers removed and references
// across files rewritten to the (where needed, renamed) top-level names; the entry's
// exports become one `export { … }` list.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const ENTRY = "workers/streams/index.ts";
export const OUTPUT = "workers/streams/user-code/generated/streamlab-dts.ts";
export const REFRESH_COMMAND = "node scripts/build-dsl-types.mjs";
export const MODULE_NAME = "streamlab";

// Declarations are emitted under this made-up folder, so that resolving `./kstream` in the
// second program finds `kstream.d.ts` and never the `kstream.ts` beside it on disk.
const VIRTUAL = "/__streamlab_dts__";

function fail(message) {
  throw new Error(`build-dsl-types: ${message}`);
}

function formatDiagnostics(diagnostics) {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => "\n",
  });
}

/** Emits the entry's declarations (and those of every module it imports) into a map. */
function emitDeclarations(root, entry) {
  const configPath = join(root, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => fail(formatDiagnostics([d])),
  });
  if (!parsed) fail(`cannot read ${configPath}`);
  const options = {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    incremental: false,
    composite: false,
    tsBuildInfoFile: undefined,
    rootDir: root,
    outDir: VIRTUAL,
    noEmitOnError: false,
    // Engine code is platform-free: without @types/node the program is half the size, and
    // a Node type leaking into the API fails the unresolved-name check below.
    types: [],
  };
  const program = ts.createProgram({ rootNames: [join(root, entry)], options });
  const files = new Map();
  const result = program.emit(undefined, (fileName, text) => files.set(fileName, text), undefined, true);
  const declarationErrors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (declarationErrors.length > 0) fail(`declaration emit failed:\n${formatDiagnostics(declarationErrors)}`);
  const entryDts = join(VIRTUAL, entry.replace(/\.ts$/, ".d.ts"));
  if (!files.has(entryDts)) fail(`${entry} produced no declarations (does it exist?)`);
  return { files, entryDts };
}

/** A program over the in-memory declarations and the ES2022 lib a topology compiles against. */
function declarationProgram(files, entryDts) {
  const options = {
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
    strict: true,
  };
  const libDir = dirname(ts.getDefaultLibFilePath(options));
  const isLib = (f) => f.startsWith(libDir + "/");
  const sourceFiles = new Map();
  const host = {
    getSourceFile(fileName, languageVersion) {
      let sf = sourceFiles.get(fileName);
      if (sf) return sf;
      const text = files.get(fileName) ?? (isLib(fileName) ? ts.sys.readFile(fileName) : undefined);
      if (text === undefined) return undefined;
      sf = ts.createSourceFile(fileName, text, languageVersion, true);
      sourceFiles.set(fileName, sf);
      return sf;
    },
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    writeFile: () => {},
    getCurrentDirectory: () => VIRTUAL,
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (f) => files.has(f) || (isLib(f) && ts.sys.fileExists(f)),
    readFile: (f) => files.get(f) ?? (isLib(f) ? ts.sys.readFile(f) : undefined),
    directoryExists: (d) => d === VIRTUAL || d.startsWith(VIRTUAL + "/") || (isLib(d + "/x") && ts.sys.directoryExists(d)),
    getDirectories: () => [],
  };
  const program = ts.createProgram({ rootNames: [entryDts], options, host });
  const isVirtual = (sf) => files.has(sf.fileName);
  return { program, checker: program.getTypeChecker(), isVirtual };
}

const DROPPED_MODIFIERS = new Set([ts.SyntaxKind.ExportKeyword, ts.SyntaxKind.DeclareKeyword, ts.SyntaxKind.DefaultKeyword]);

/** The top-level names a statement declares ([] for imports, exports and the like). */
function declaredNames(statement) {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((d) => {
      if (!ts.isIdentifier(d.name)) fail(`destructuring in declarations is not supported: ${d.getText()}`);
      return d.name;
    });
  }
  if (
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isFunctionDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement)
  ) {
    if (!statement.name) fail(`an anonymous default export cannot be bundled: ${statement.getText().slice(0, 80)}`);
    if (!ts.isIdentifier(statement.name)) fail(`declare module / declare global is not supported: ${statement.getText().slice(0, 80)}`);
    return [statement.name];
  }
  return [];
}

/** The top-level statement a declaration belongs to, or undefined for members and locals. */
function topLevelStatementOf(declaration) {
  if (declaration.parent && ts.isSourceFile(declaration.parent)) return declaration;
  if (ts.isVariableDeclaration(declaration)) {
    const statement = declaration.parent?.parent;
    if (statement && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent)) return statement;
  }
  return undefined;
}

/** Bundles the declarations; returns the `declare module "streamlab" { … }` text. */
export function bundleDeclarations(root = ROOT, entry = ENTRY) {
  const { files, entryDts } = emitDeclarations(root, entry);
  const { program, checker, isVirtual } = declarationProgram(files, entryDts);
  const preEmit = program.getSyntacticDiagnostics();
  if (preEmit.length > 0) fail(`emitted declarations do not parse:\n${formatDiagnostics(preEmit)}`);

  const where = (node) => {
    const sf = node.getSourceFile();
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return `${relative(VIRTUAL, sf.fileName)}:${line + 1}`;
  };

  // Every declaring statement in the emitted files is a unit, keyed by its node.
  const units = new Map();
  const virtualFiles = program.getSourceFiles().filter(isVirtual);
  for (const sf of virtualFiles) {
    for (const statement of sf.statements) {
      if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) continue;
      if (ts.isImportEqualsDeclaration(statement)) fail(`import = is not supported (${where(statement)})`);
      const names = declaredNames(statement);
      if (names.length === 0) fail(`cannot bundle this statement (${where(statement)}): ${statement.getText().slice(0, 80)}`);
      units.set(statement, { statement, file: sf, names: names.map((n) => n.text), refs: [], edits: [] });
    }
  }

  const canonical = (symbol) => {
    let s = symbol;
    if (s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
    return checker.getExportSymbolOfSymbol(s);
  };
  /**
   * The top-level name a symbol stands for, when it is one of ours, with every unit that
   * declares it (a const and a type of the same name merge into one symbol).
   */
  const targetOf = (symbol) => {
    const s = canonical(symbol);
    let target;
    for (const declaration of s.declarations ?? []) {
      const statement = topLevelStatementOf(declaration);
      const unit = statement && units.get(statement);
      // The declaration's own name: a default export's symbol is called "default".
      const name = ts.getNameOfDeclaration(declaration);
      if (!unit || !name || !ts.isIdentifier(name)) continue;
      target ??= { unit, name: name.text, units: [] };
      if (!target.units.includes(unit)) target.units.push(unit);
    }
    return target;
  };
  const isVirtualModule = (symbol) => (canonical(symbol).declarations ?? []).some((d) => ts.isSourceFile(d) && isVirtual(d));

  // Names of lib globals the declarations use: a top-level name of ours must not shadow them.
  const globalsUsed = new Set();
  const unresolved = new Set();

  function reference(unit, node, start, end, symbol, prefix = "") {
    const target = targetOf(symbol);
    if (!target) return false;
    unit.refs.push(...target.units);
    unit.edits.push({ start, end, target, prefix });
    return true;
  }

  function visit(unit, node) {
    if (ts.isImportTypeNode(node)) {
      if (!ts.isLiteralTypeNode(node.argument) || !ts.isStringLiteral(node.argument.literal)) fail(`unexpected import type (${where(node)})`);
      const moduleSymbol = checker.getSymbolAtLocation(node.argument.literal);
      if (!moduleSymbol || !isVirtualModule(moduleSymbol)) {
        fail(`the declarations refer to ${node.argument.literal.text}, which is not part of the DSL (${where(node)})`);
      }
      if (!node.qualifier) fail(`a whole module as a type is not supported (${where(node)})`);
      let first = node.qualifier;
      while (ts.isQualifiedName(first)) first = first.left;
      const exported = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === first.text);
      if (!exported || !reference(unit, node, node.getStart(), first.end, exported, node.isTypeOf ? "typeof " : "")) {
        fail(`cannot resolve ${first.text} in ${node.getText()} (${where(node)})`);
      }
      for (const arg of node.typeArguments ?? []) visit(unit, arg);
      return;
    }
    if ((ts.isQualifiedName(node) || ts.isPropertyAccessExpression(node)) && ts.isIdentifier(ts.isQualifiedName(node) ? node.left : node.expression)) {
      const left = ts.isQualifiedName(node) ? node.left : node.expression;
      const right = ts.isQualifiedName(node) ? node.right : node.name;
      const leftSymbol = checker.getSymbolAtLocation(left);
      if (leftSymbol && isVirtualModule(leftSymbol)) {
        // `ns.Foo` through `import * as ns`: the whole name becomes Foo's bundled name.
        const rightSymbol = checker.getSymbolAtLocation(right);
        if (!rightSymbol || !reference(unit, node, left.getStart(), right.end, rightSymbol)) fail(`cannot resolve ${node.getText()} (${where(node)})`);
        return;
      }
    }
    if (ts.isIdentifier(node)) {
      const symbol = checker.getSymbolAtLocation(node);
      if (!symbol) {
        // Names in property and member positions have no symbol of their own only when
        // they name nothing; a type or value reference that resolves nowhere is an error.
        if (ts.isTypeReferenceNode(node.parent) || ts.isExpressionWithTypeArguments(node.parent) || ts.isTypeQueryNode(node.parent)) {
          unresolved.add(`${node.text} (${where(node)})`);
        }
        return;
      }
      if (reference(unit, node, node.getStart(), node.end, symbol)) return;
      const s = canonical(symbol);
      if ((s.declarations ?? []).some((d) => !isVirtual(d.getSourceFile()) && topLevelStatementOf(d))) globalsUsed.add(node.text);
      return;
    }
    ts.forEachChild(node, (child) => visit(unit, child));
  }

  for (const unit of units.values()) {
    const { statement } = unit;
    for (const modifier of statement.modifiers ?? []) {
      if (DROPPED_MODIFIERS.has(modifier.kind)) {
        const text = unit.file.text;
        let end = modifier.end;
        while (end < text.length && /\s/.test(text[end])) end++;
        unit.edits.push({ start: modifier.getStart(), end, text: "" });
      }
    }
    ts.forEachChild(statement, (child) => {
      if (ts.isModifier(child)) return;
      visit(unit, child);
    });
  }
  if (unresolved.size > 0) {
    fail(`the declarations use names that a topology's ES2022 lib does not have:\n  ${[...unresolved].join("\n  ")}`);
  }

  // The entry's exports, resolved to the units declaring them.
  const entryFile = program.getSourceFile(entryDts);
  const entryModule = checker.getSymbolAtLocation(entryFile);
  if (!entryModule) fail(`${entry} is not a module`);
  const exportsList = [];
  for (const exported of checker.getExportsOfModule(entryModule)) {
    if (exported.name === "default") fail(`${entry} has a default export; "${MODULE_NAME}" offers named exports only`);
    const target = targetOf(exported);
    if (!target) fail(`cannot bundle the export ${exported.name} of ${entry}: it is not a top-level declaration of the DSL`);
    exportsList.push({ name: exported.name, target });
  }
  exportsList.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // Keep what the exports reach.
  const reached = new Set();
  const stack = exportsList.flatMap((e) => e.target.units);
  while (stack.length > 0) {
    const unit = stack.pop();
    if (reached.has(unit)) continue;
    reached.add(unit);
    stack.push(...unit.refs);
  }

  // One name per (file, name). A name stays as written unless two files declare it or it
  // would shadow a lib global; then the copy the entry exports under that name keeps it.
  const key = (file, name) => `${file.fileName}\0${name}`;
  const owners = new Map();
  const ordered = [...units.values()].filter((u) => reached.has(u));
  for (const unit of ordered) {
    for (const name of unit.names) {
      const list = owners.get(name) ?? [];
      if (!list.includes(unit.file)) list.push(unit.file);
      owners.set(name, list);
    }
  }
  const taken = new Set(owners.keys());
  for (const name of globalsUsed) taken.add(name);
  const bundledName = new Map();
  for (const [name, fileList] of owners) {
    const exportedSame = exportsList.find((e) => e.name === name && e.target.name === name);
    const keeper = globalsUsed.has(name) ? undefined : fileList.length === 1 ? fileList[0] : exportedSame?.target.unit.file;
    for (const file of fileList) {
      if (file === keeper) {
        bundledName.set(key(file, name), name);
        continue;
      }
      let n = 1;
      while (taken.has(`${name}_${n}`)) n++;
      taken.add(`${name}_${n}`);
      bundledName.set(key(file, name), `${name}_${n}`);
    }
  }
  const nameOf = (target) => {
    const name = bundledName.get(key(target.unit.file, target.name));
    if (name === undefined) fail(`internal: no bundled name for ${target.name}`);
    return name;
  };

  const body = [];
  for (const unit of ordered) {
    const { statement, file } = unit;
    const text = file.text;
    const jsDoc = (ts.getLeadingCommentRanges(text, statement.pos) ?? []).filter((c) => text.startsWith("/**", c.pos));
    const start = jsDoc[0]?.pos ?? statement.getStart();
    const edits = unit.edits
      .map((e) => ({ start: e.start, end: e.end, text: "text" in e ? e.text : e.prefix + nameOf(e.target) }))
      .sort((a, b) => b.start - a.start);
    let out = text.slice(start, statement.end);
    let lastStart = Infinity;
    for (const edit of edits) {
      if (edit.end > lastStart) fail(`internal: overlapping edits in ${where(statement)}`);
      out = out.slice(0, edit.start - start) + edit.text + out.slice(edit.end - start);
      lastStart = edit.start;
    }
    body.push(out);
  }

  const exportNames = exportsList.map(({ name, target }) => {
    const local = nameOf(target);
    return local === name ? name : `${local} as ${name}`;
  });
  const indent = (s) =>
    s
      .split("\n")
      .map((line) => (line === "" ? line : `  ${line}`))
      .join("\n");
  return (
    `declare module "${MODULE_NAME}" {\n` +
    body.map(indent).join("\n") +
    `\n  export {\n${exportNames.map((n) => `    ${n},\n`).join("")}  };\n}\n`
  );
}

function escapeTemplate(text) {
  return text.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
}

/** The full text of the generated module. */
export function buildDslTypes(root = ROOT, entry = ENTRY) {
  const dts = bundleDeclarations(root, entry);
  return (
    `// Generated by \`${REFRESH_COMMAND}\` from ${entry}: do not edit.\n` +
    `// The declarations of the "${MODULE_NAME}" module that topologies import, as one text for\n` +
    `// the type checker (in Node and in the browser) and for the editor.\n` +
    `export const STREAMLAB_DTS = \`${escapeTemplate(dts)}\`;\n`
  );
}

function main(args) {
  const text = buildDslTypes();
  const path = join(ROOT, OUTPUT);
  if (args.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {
      // A missing file is as stale as an outdated one.
    }
    if (current !== text) {
      console.error(`${OUTPUT} is stale: run ${REFRESH_COMMAND}`);
      return 1;
    }
    console.log(`${OUTPUT} is up to date`);
    return 0;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${OUTPUT} (${Math.round(text.length / 1024)} KiB)`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
