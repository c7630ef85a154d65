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
import type { EditorMarker } from "./diagnostics";

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

const MODEL_URI = monaco.Uri.parse("file:///topology.ts");
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

export interface MonacoEditorProps {
  value: string;
  onChange(value: string): void;
  markers: readonly EditorMarker[];
  theme: "light" | "dark";
  presentation: boolean;
  /** Run: Ctrl/Cmd+Enter. */
  onRun(): void;
  /** Line to reveal when it changes (the first error). */
  revealLine: number | null;
}

export default function MonacoEditor({ value, onChange, markers, theme, presentation, onRun, revealLine }: MonacoEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const latest = useRef({ onChange, onRun });
  latest.current = { onChange, onRun };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const model = monaco.editor.getModel(MODEL_URI) ?? monaco.editor.createModel(value, "typescript", MODEL_URI);
    if (model.getValue() !== value) model.setValue(value);
    const e = monaco.editor.create(el, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontFamily: "'IBM Plex Mono', monospace",
      fontSize: 14,
      lineNumbersMinChars: 3,
      scrollBeyondLastLine: false,
      tabSize: 2,
      fixedOverflowWidgets: true,
      ariaLabel: "Topology source, topology.ts",
    });
    editor.current = e;
    const sub = e.onDidChangeModelContent(() => latest.current.onChange(e.getValue()));
    e.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => latest.current.onRun());
    return () => {
      sub.dispose();
      e.dispose();
      editor.current = null;
    };
    // The editor is made once; value changes from outside are applied below.
    // (A template chosen, a saved draft restored.)
  }, []);

  useEffect(() => {
    const model = monaco.editor.getModel(MODEL_URI);
    if (model && model.getValue() !== value) model.setValue(value);
  }, [value]);

  useEffect(() => {
    monaco.editor.setTheme(theme === "dark" ? "vs-dark" : "vs");
  }, [theme]);

  useEffect(() => {
    editor.current?.updateOptions({ fontSize: presentation ? 18 : 14 });
  }, [presentation]);

  useEffect(() => {
    const model = monaco.editor.getModel(MODEL_URI);
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
  }, [markers, value]);

  useEffect(() => {
    if (revealLine !== null) editor.current?.revealLineInCenterIfOutsideViewport(revealLine);
  }, [revealLine]);

  return <div ref={host} className="monaco-host" data-testid="monaco-host" />;
}
