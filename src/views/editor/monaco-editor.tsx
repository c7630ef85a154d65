/**
 * Monaco with TypeScript, loaded only when the editor opens (this module is its own chunk,
 * and so are its workers). The "streamlab" declarations the engine compiles against are
 * given to Monaco's TypeScript service, so completion, hover and type errors match what a
 * run will report; the engine's own compile and runtime errors are added as markers.
 */
import { useEffect, useRef } from "react";
import * as monaco from "monaco-editor";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import TsWorker from "monaco-editor/language/typescript/ts.worker?worker";
import type { SqlCatalog } from "../../engine-client/workbench-types";
import type { EditorMarker } from "./diagnostics";
import { KSQL, registerKsql } from "./ksql-language";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker(_workerId, label) {
    return label === "typescript" || label === "javascript" ? new TsWorker() : new EditorWorker();
  },
};


// Monaco's themes on the workbench's surfaces, with the few token colours that miss WCAG AA
// contrast (4.5:1) adjusted, as everything else on screen meets it.
monaco.editor.defineTheme("streamlab-light", {
  base: "vs",
  inherit: true,
  // "vs" gives SQL operators light grey and SQL strings pure red, both below 4.5:1 on white.
  rules: [
    { token: "operator.sql", foreground: "4d5b69" },
    { token: "string.sql", foreground: "a31515" },
  ],
  colors: { "editor.background": "#ffffff" },
});
monaco.editor.defineTheme("streamlab-dark", {
  base: "vs-dark",
  inherit: true,
  rules: [
    { token: "comment", foreground: "8fbf7f" },
    { token: "string.sql", foreground: "e2a285" },
    { token: "operator.sql", foreground: "a9b7c6" },
  ],
  colors: { "editor.background": "#181c22" },
});
const MARKER_OWNER = "streamlab-engine";
let declarationsGiven = false;

/** The checker's settings mirror the engine's compiler (strict, ES2022, no DOM). */
export function configureTypeScript(declarations: ReadonlyArray<{ fileName: string; text: string }>): void {
  if (declarationsGiven) return;
  declarationsGiven = true;
  const ts = monaco.typescript;
  ts.typescriptDefaults.setCompilerOptions({
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    strict: true,
    lib: ["es2022"],
    noEmit: true,
    allowNonTsExtensions: true,
  });
  ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
  for (const d of declarations) ts.typescriptDefaults.addExtraLib(d.text, `file:///node_modules/@types/streamlab/${d.fileName}`);
}

/** The SQL tab's language: ksqlDB's keywords highlighted, completion from the SQL catalog. */
export function configureSql(catalog: () => Promise<SqlCatalog | undefined>): void {
  registerKsql(catalog);
}

export interface MonacoEditorProps {
  language: "typescript" | typeof KSQL;
  /** The model's file name (topology.ts, query.sql): one model per file, kept between openings. */
  file: string;
  /** The text to show when `textVersion` changes (a template, a saved draft): not an echo of typing. */
  value: string;
  textVersion: number;
  onChange(value: string): void;
  markers: readonly EditorMarker[];
  theme: "light" | "dark";
  presentation: boolean;
  /** Run: Ctrl/Cmd+Enter. */
  onRun(): void;
  /** Line to reveal when it changes (the first error). */
  revealLine: number | null;
}

export default function MonacoEditor({ language, file, value, textVersion, onChange, markers, theme, presentation, onRun, revealLine }: MonacoEditorProps) {
  const uri = monaco.Uri.parse(`file:///${file}`);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const latest = useRef({ onChange, onRun });
  latest.current = { onChange, onRun };
  const initial = useRef(value);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(initial.current, language, uri);
    if (model.getValue() !== initial.current) model.setValue(initial.current);
    const e = monaco.editor.create(el, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontFamily: "'IBM Plex Mono', monospace",
      fontSize: 14,
      lineNumbersMinChars: 3,
      // The default dims the number of the line after a final newline below contrast rules.
      renderFinalNewline: "on",
      scrollBeyondLastLine: false,
      tabSize: 2,
      fixedOverflowWidgets: true,
      ariaLabel: language === KSQL ? "SQL statements" : "Topology source, topology.ts",
      // SQL completion knows the catalog; words picked from the text would only add noise.
      ...(language === KSQL ? { wordBasedSuggestions: "off" as const } : {}),
    });
    editor.current = e;
    // Keys typed into the editor are text, never the workbench's shortcuts (space, ".", "t"…).
    const keepKeys = (event: KeyboardEvent) => event.stopPropagation();
    el.addEventListener("keydown", keepKeys);
    const sub = e.onDidChangeModelContent(() => latest.current.onChange(e.getValue()));
    e.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => latest.current.onRun());
    return () => {
      el.removeEventListener("keydown", keepKeys);
      sub.dispose();
      e.dispose();
      editor.current = null;
    };
    // The editor is made once; value changes from outside are applied below.
    // (A template chosen, a saved draft restored.)
  }, []);

  // Only a new text from outside replaces the model's. What typing reports back lags the
  // keystrokes: setting it would undo the newest ones and move the cursor.
  const latestValue = useRef(value);
  latestValue.current = value;
  useEffect(() => {
    const model = monaco.editor.getModel(uri);
    if (model && model.getValue() !== latestValue.current) model.setValue(latestValue.current);
  }, [textVersion]);

  useEffect(() => {
    monaco.editor.setTheme(theme === "dark" ? "streamlab-dark" : "streamlab-light");
  }, [theme]);

  useEffect(() => {
    editor.current?.updateOptions({ fontSize: presentation ? 18 : 14 });
  }, [presentation]);

  useEffect(() => {
    const model = monaco.editor.getModel(uri);
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      markers.map((m) => ({
        startLineNumber: m.line,
        startColumn: m.column,
        endLineNumber: m.endLine,
        endColumn: Math.max(m.endColumn, model.getLineMaxColumn(Math.min(m.endLine, model.getLineCount()))),
        message: m.source === "runtime" ? `Runtime error: ${m.message}` : m.message,
        severity: monaco.MarkerSeverity.Error,
        source: m.source === "runtime" ? "streamlab (running)" : "streamlab (compile)",
      })),
    );
  }, [markers, textVersion]);

  useEffect(() => {
    if (revealLine !== null) editor.current?.revealLineInCenterIfOutsideViewport(revealLine);
  }, [revealLine]);

  return <div ref={host} className="monaco-host" data-testid="monaco-host" />;
}
