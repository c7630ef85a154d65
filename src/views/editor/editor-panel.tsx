import { Suspense, useEffect, useMemo, useRef, useState } from "react";
import type { StartApplicationInput } from "../../engine-client/workbench-types";
import { startGroupsPoller } from "../../state/groups-poller";
import { brokerClient, useStore } from "../../state/store";
import { compileMarkers, runtimeMarker, type EditorMarker } from "./diagnostics";
import { MonacoEditor } from "./lazy-monaco";
import { SqlPanel } from "./sql-panel";
import { TEMPLATES, type Template } from "./templates";
import "./editor.css";

const MODES = [
  { id: "topology", label: "Topology · TypeScript" },
  { id: "sql", label: "SQL · ksqlDB" },
] as const;

type Mode = (typeof MODES)[number]["id"];

function ModeTabs({ mode, onMode }: { mode: Mode; onMode: (m: Mode) => void }) {
  return (
    <div className="editor-modes" role="tablist" aria-label="Editor language">
      {MODES.map((m) => (
        <button key={m.id} type="button" role="tab" aria-selected={mode === m.id} className={mode === m.id ? "tab active" : "tab"} data-testid={`editor-mode-${m.id}`} onClick={() => onMode(m.id)}>
          {m.label}
        </button>
      ))}
    </div>
  );
}

/** The editor drawer: a topology in TypeScript, or ksqlDB statements. */
export function EditorPanel() {
  const [mode, setMode] = useState<Mode>("topology");
  return mode === "sql" ? <SqlPanel modes={<ModeTabs mode={mode} onMode={setMode} />} /> : <TopologyPanel modes={<ModeTabs mode={mode} onMode={setMode} />} />;
}

const DRAFT_PREFIX = "editor:";
const DRAFT_SAVE_MS = 800;
const APP_ID = /^[A-Za-z0-9._-]+$/;

const GENERATOR_FOR: Record<Template["generator"], string> = {
  clickstream: "clickstream",
  "orders-payments": "orders & payments",
  "iot-sensors": "IoT sensors",
  trucks: "truck positions",
};

function Status({ state, busy }: { state: string | null; busy: boolean }) {
  if (busy) return <span className="editor-status" data-testid="editor-status">working…</span>;
  if (state === null) return <span className="editor-status quiet" data-testid="editor-status">not started</span>;
  return (
    <span className={`editor-status app-state state-${state}`} data-testid="editor-status">
      {state}
    </span>
  );
}

function TopologyPanel({ modes }: { modes: React.ReactNode }) {
  const applications = useStore((s) => s.applications);
  const selectedApp = useStore((s) => s.selectedApp);
  const topics = useStore((s) => s.topics);
  const theme = useStore((s) => s.theme);
  const presentation = useStore((s) => s.presentation);
  const startApplication = useStore((s) => s.startApplication);
  const restartApplication = useStore((s) => s.restartApplication);
  const stopApplication = useStore((s) => s.stopApplication);
  const startGenerator = useStore((s) => s.startGenerator);
  const createTopic = useStore((s) => s.createTopic);
  const appBusy = useStore((s) => s.appBusy);
  useEffect(() => startGroupsPoller(), []);

  const initial = applications.find((a) => a.applicationId === selectedApp) ?? applications[0];
  const [applicationId, setApplicationId] = useState(initial?.applicationId ?? TEMPLATES[0]!.applicationId);
  const [source, setSourceState] = useState<string | null>(null);
  // Bumped when the text comes from outside the editor (a template, a saved draft).
  const [textVersion, setTextVersion] = useState(0);
  const setSource = (text: string) => {
    setSourceState(text);
    setTextVersion((v) => v + 1);
  };
  const [templateId, setTemplateId] = useState("");
  const [compileErrors, setCompileErrors] = useState<{ applicationId: string; markers: EditorMarker[]; message: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [resetOnRestart, setResetOnRestart] = useState(false);
  // With a reset: keep the stores (only the input offsets go back) instead of the full reset tool.
  const [keepState, setKeepState] = useState(false);
  const app = applications.find((a) => a.applicationId === applicationId);

  // The text shown: a saved draft, else the running application's source, else a template.
  const loadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (loadedFor.current === applicationId) return;
    const client = brokerClient();
    if (!client) return;
    loadedFor.current = applicationId;
    void client.api.workspaceNotes().then((notes) => {
      const draft = notes[DRAFT_PREFIX + applicationId];
      const known = useStore.getState().applications.find((a) => a.applicationId === applicationId);
      setSource(draft ?? known?.source ?? TEMPLATES.find((t) => t.applicationId === applicationId)?.source ?? TEMPLATES[0]!.source);
    });
  }, [applicationId]);

  // Drafts are saved with the workspace (OPFS), so a reload keeps unsaved edits.
  useEffect(() => {
    if (source === null) return;
    const timer = setTimeout(() => {
      const saved = useStore.getState().applications.find((a) => a.applicationId === applicationId)?.source;
      void brokerClient()?.api.saveWorkspaceNote(DRAFT_PREFIX + applicationId, source === saved ? null : source);
    }, DRAFT_SAVE_MS);
    return () => clearTimeout(timer);
  }, [source, applicationId]);

  const markers = useMemo(() => {
    const out: EditorMarker[] = [];
    if (compileErrors && compileErrors.applicationId === applicationId) out.push(...compileErrors.markers);
    const failure = app?.failure;
    if (failure && (app.state === "ERROR" || app.state === "PENDING_ERROR")) {
      const m = runtimeMarker(failure);
      if (m) out.push(m);
    }
    return out;
  }, [compileErrors, app?.failure, app?.state, applicationId]);

  const template = TEMPLATES.find((t) => t.source === source);
  const missing = (template?.reads ?? []).filter((t) => !topics.some((x) => x.name === t));
  const running = app !== undefined && app.state !== "NOT_RUNNING" && app.state !== "ERROR";
  const changed = app !== undefined && source !== null && source !== app.source;
  const validId = APP_ID.test(applicationId);

  async function run(): Promise<void> {
    if (source === null || !validId) return;
    setNotice(null);
    const input: StartApplicationInput = { applicationId, source };
    const result = app ? await restartApplication({ applicationId, source, reset: resetOnRestart, wipeState: resetOnRestart && !keepState }) : await startApplication(input);
    if (result.ok) {
      setCompileErrors(null);
      setNotice(
        !app
          ? "Started."
          : !resetOnRestart
            ? "Restarted with the new topology, from the committed offsets."
            : keepState
              ? "Reset to the beginning with the state kept: the stores were restored from their changelogs, and every input record is processed again on top of them (a count counts each record twice)."
              : "Reset to the beginning and restarted: internal topics deleted, every input record is processed again from empty state.",
      );
      setResetOnRestart(false);
      setKeepState(false);
      void brokerClient()?.api.saveWorkspaceNote(DRAFT_PREFIX + applicationId, null);
    } else {
      const found = compileMarkers(applicationId, result.message);
      setCompileErrors({ applicationId, markers: found, message: result.message });
    }
  }

  async function prepareInputs(t: Template): Promise<void> {
    for (const topic of t.reads) {
      if (t.generator === "orders-payments" && topic === "payments") continue;
      if (!useStore.getState().topics.some((x) => x.name === topic)) await createTopic({ name: topic, partitions: 3 });
    }
    await startGenerator({ kind: t.generator, topic: t.reads[0]!, ratePerSecond: 5 });
  }

  const firstError = markers[0]?.line ?? null;
  const failure = app?.failure;
  return (
    <div className="editor-panel" data-testid="editor-panel">
      <div className="editor-toolbar">
        {modes}
        <label className="inline-field">
          <span className="label">application.id</span>
          <input
            className="num"
            data-testid="editor-app-id"
            value={applicationId}
            list="editor-app-ids"
            aria-invalid={!validId}
            onChange={(e) => {
              setApplicationId(e.target.value.trim());
              setCompileErrors(null);
            }}
          />
          <datalist id="editor-app-ids">
            {applications.map((a) => (
              <option key={a.applicationId} value={a.applicationId} />
            ))}
          </datalist>
        </label>
        <label className="inline-field">
          <span className="label">template</span>
          <select
            data-testid="editor-template"
            value={templateId}
            onChange={(e) => {
              const t = TEMPLATES.find((x) => x.id === e.target.value);
              setTemplateId("");
              if (!t) return;
              setSource(t.source);
              // A template is a new application under its own id (edit the id to replace another).
              setApplicationId(t.applicationId);
              loadedFor.current = t.applicationId;
              setCompileErrors(null);
            }}
          >
            <option value="">choose…</option>
            {TEMPLATES.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <Status state={app?.state ?? null} busy={appBusy === applicationId} />
        {app && (
          <label className="inline-field" title="Committed input offsets back to the beginning: every input record is processed again">
            <input type="checkbox" data-testid="editor-reset" checked={resetOnRestart} onChange={(e) => setResetOnRestart(e.target.checked)} />
            <span>reset to beginning</span>
          </label>
        )}
        {app && resetOnRestart && (
          <label
            className="inline-field"
            title="Kept: only the input offsets are reset (kafka-consumer-groups --reset-offsets); the changelogs stay, the stores are restored from them and reprocessing adds on top. Not kept: the application reset tool, internal topics (repartition, changelog) deleted, state rebuilt from nothing."
          >
            <input type="checkbox" data-testid="editor-keep-state" checked={keepState} onChange={(e) => setKeepState(e.target.checked)} />
            <span>keep state</span>
          </label>
        )}
        <button type="button" className="primary" data-testid="editor-run" disabled={source === null || !validId || appBusy !== null} title="Ctrl+Enter" onClick={() => void run()}>
          {!app || app.state === "NOT_RUNNING" || app.state === "ERROR" ? (app ? "Restart" : "Run") : changed || resetOnRestart ? "Apply & restart" : "Restart"}
        </button>
        <button type="button" data-testid="editor-stop" disabled={!running || appBusy !== null} onClick={() => void stopApplication(applicationId)}>
          Stop
        </button>
      </div>
      {template && missing.length > 0 && (
        <div className="banner editor-hint" data-testid="editor-missing-topics">
          <span>
            This topology reads {missing.join(", ")}, which {missing.length === 1 ? "does" : "do"} not exist yet.
          </span>
          <button type="button" className="small" data-testid="editor-prepare" onClick={() => void prepareInputs(template)}>
            Create {missing.join(", ")} and start the {GENERATOR_FOR[template.generator]} generator
          </button>
        </div>
      )}
      {compileErrors && compileErrors.applicationId === applicationId && (
        <div className="banner error editor-errors" role="alert" data-testid="editor-errors">
          {compileErrors.markers.length > 0 ? (
            <>
              <strong>
                {compileErrors.markers.length} error{compileErrors.markers.length === 1 ? "" : "s"}: not started.
              </strong>
              <ul>
                {compileErrors.markers.map((m, i) => (
                  <li key={i} className="num">
                    line {m.line}:{m.column} — {m.message.split("\n")[0]}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <span>{compileErrors.message}</span>
          )}
        </div>
      )}
      {failure && app && (app.state === "ERROR" || app.state === "PENDING_ERROR") && (
        <div className="banner error editor-errors" role="alert" data-testid="editor-runtime-error">
          <strong>Stopped by an error</strong>
          {failure.topic !== null && (
            <span className="num">
              {" "}
              while processing {failure.topic}-{failure.partition} offset {failure.offset}
            </span>
          )}
          {failure.line !== undefined && <span className="num"> · topology.ts:{failure.line}:{failure.column}</span>}
          <div className="num">{failure.message.split("\n")[0]}</div>
        </div>
      )}
      {notice && !compileErrors && (
        <p className="editor-notice quiet" data-testid="editor-notice">
          {notice}
        </p>
      )}
      <Suspense fallback={<div className="monaco-host loading quiet">Loading the editor and the TypeScript service…</div>}>
        {source !== null && <MonacoEditor language="typescript" file="topology.ts" value={source} textVersion={textVersion} onChange={setSourceState} markers={markers} theme={theme} presentation={presentation} onRun={() => void run()} revealLine={firstError} />}
      </Suspense>
    </div>
  );
}
