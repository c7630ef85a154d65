import { Suspense, useEffect, useRef, useState } from "react";
import type { PlainValue, PushRowsView, SqlExecutionView, SqlResultView } from "../../engine-client/workbench-types";
import { brokerClient, describeError, useStore } from "../../state/store";
import type { EditorMarker } from "./diagnostics";
import { MonacoEditor } from "./lazy-monaco";
import { SQL_EXAMPLE } from "./templates";

const DRAFT = "editor:sql";
const DRAFT_SAVE_MS = 800;
const PUSH_POLL_MS = 500;
/** Rows of a push query kept on screen: the newest. */
const PUSH_ROWS = 200;

function cell(v: PlainValue): string {
  if (v === null) return "null";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function Table({ columns, rows, testId }: { columns: Array<{ name: string; type?: string }>; rows: PlainValue[][]; testId: string }) {
  return (
    <div className="sql-table-wrap" tabIndex={0}>
      <table className="sql-table num" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.name} scope="col" title={c.type}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>{cell(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A push query's rows as they come, until it is done or cancelled. */
function PushRows({ id }: { id: string }) {
  const [view, setView] = useState<PushRowsView | null>(null);
  const [rows, setRows] = useState<PlainValue[][]>([]);
  useEffect(() => {
    let next = 0;
    let stopped = false;
    const poll = async () => {
      const client = brokerClient();
      if (!client || stopped) return;
      try {
        const v = await client.api.pushQueryRows(id, next);
        if (stopped) return;
        next = v.next;
        setView(v);
        if (v.rows.length > 0) setRows((cur) => [...cur, ...v.rows].slice(-PUSH_ROWS));
        if (v.state === "RUNNING") timer = setTimeout(() => void poll(), PUSH_POLL_MS);
      } catch {
        // The query went away with a reset.
      }
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    void poll();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [id]);
  if (!view) return <p className="quiet">Starting the push query…</p>;
  return (
    <div className="sql-push" data-testid="sql-push">
      <div className="sql-push-head">
        <span className={`app-state state-${view.state === "RUNNING" ? "RUNNING" : view.state === "ERROR" ? "ERROR" : "NOT_RUNNING"}`} data-testid="sql-push-state">
          {view.state}
        </span>
        <span className="quiet num">{rows.length} rows (newest last)</span>
        {view.state === "RUNNING" && (
          <button type="button" className="small" data-testid="sql-push-cancel" onClick={() => void brokerClient()?.api.cancelPushQuery(id)}>
            Cancel
          </button>
        )}
      </div>
      <Table columns={view.columns} rows={rows} testId="sql-push-rows" />
    </div>
  );
}

/** Shows the topology view with the application that runs a query (EXPLAIN's "topology"). */
function openTopology(applicationId: string): void {
  const store = useStore.getState();
  // The application list is polled; read it now so the new query's application is there to select.
  void store.refreshApps().then(() => {
    store.selectApp(applicationId);
    store.setView("topology");
  });
}

/** Statements whose answer is the CLI's text (DESCRIBE, EXPLAIN, PRINT); the others show their rows as a table. */
const TEXT_FIRST = new Set(["Describe", "DescribeFunction", "Explain", "Print"]);

function Result({ r }: { r: SqlResultView }) {
  const textFirst = TEXT_FIRST.has(r.statement.kind);
  return (
    <li className="sql-result" data-testid="sql-result">
      <div className="sql-statement num">
        <span className="quiet">
          {r.statement.index}. {r.statement.kind}
        </span>{" "}
        {r.statement.text.length > 90 ? `${r.statement.text.slice(0, 89)}…` : r.statement.text}
      </div>
      {r.message && <div className="sql-message">{r.message}</div>}
      {r.explain && (
        <button type="button" className="small" data-testid="sql-explain-open" onClick={() => openTopology(r.explain!.applicationId)}>
          Show {r.explain.queryId} in the topology view
        </button>
      )}
      {r.table && !textFirst && <Table columns={r.table.columns} rows={r.table.rows} testId="sql-rows" />}
      {r.text && (textFirst || !r.table) && (
        <pre className="sql-text" tabIndex={0} data-testid="sql-text">
          {r.text}
        </pre>
      )}
      {r.pushQueryId && <PushRows id={r.pushQueryId} />}
    </li>
  );
}

/** ksqlDB statements against the engine: results, push queries followed live, errors at their line. */
export function SqlPanel({ modes }: { modes: React.ReactNode }) {
  const theme = useStore((s) => s.theme);
  const presentation = useStore((s) => s.presentation);
  const [text, setText] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [running, setRunning] = useState(false);
  const [execution, setExecution] = useState<SqlExecutionView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const loaded = useRef(false);

  useEffect(() => {
    if (loaded.current) return;
    const client = brokerClient();
    if (!client) return;
    loaded.current = true;
    void client.api.workspaceNotes().then((notes) => {
      setText(notes[DRAFT] ?? SQL_EXAMPLE);
      setVersion((v) => v + 1);
    });
  }, []);

  useEffect(() => {
    if (text === null) return;
    const timer = setTimeout(() => void brokerClient()?.api.saveWorkspaceNote(DRAFT, text === SQL_EXAMPLE ? null : text), DRAFT_SAVE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  async function run(): Promise<void> {
    const client = brokerClient();
    if (!client || text === null) return;
    setRunning(true);
    setFailure(null);
    try {
      const result = await client.api.executeSql(text);
      setExecution(result);
      // EXPLAIN of a running query opens its topology.
      const explained = result.results.filter((r) => r.explain).at(-1);
      if (explained) openTopology(explained.explain!.applicationId);
    } catch (e) {
      setExecution(null);
      setFailure(describeError(e));
    } finally {
      setRunning(false);
    }
  }

  const error = execution?.error;
  const markers: EditorMarker[] = error ? [{ line: error.line, column: error.column, endLine: error.line, endColumn: error.column + 1, message: error.message, source: "compile" }] : [];
  return (
    <div className="editor-panel" data-testid="sql-panel">
      <div className="editor-toolbar">
        {modes}
        <span className="spacer" />
        <span className="quiet">Statements end with “;”. Ctrl+Enter runs them all, in order.</span>
        <button type="button" className="primary" data-testid="sql-run" disabled={text === null || running} onClick={() => void run()}>
          {running ? "Running…" : "Run"}
        </button>
      </div>
      {error && (
        <div className="banner error editor-errors" role="alert" data-testid="sql-error">
          <strong>
            Statement {error.statement.index} failed{execution && execution.results.length > 0 ? ` (the ${execution.results.length} before it ran)` : ""}:
          </strong>{" "}
          <span className="num">
            line {error.line}:{error.column} — {error.message}
          </span>
        </div>
      )}
      {failure && (
        <div className="banner error editor-errors" role="alert" data-testid="sql-error">
          {failure}
        </div>
      )}
      <div className="sql-body">
        <Suspense fallback={<div className="monaco-host loading quiet">Loading the editor…</div>}>
          {text !== null && (
            <MonacoEditor language="ksql" file="query.sql" value={text} textVersion={version} onChange={setText} markers={markers} theme={theme} presentation={presentation} onRun={() => void run()} revealLine={error?.line ?? null} />
          )}
        </Suspense>
        {execution && execution.results.length > 0 && (
          <ol className="sql-results" data-testid="sql-results">
            {execution.results.map((r) => (
              <Result key={`${r.statement.index}-${r.statement.text}`} r={r} />
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
