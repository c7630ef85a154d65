import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { formatClock, formatCount } from "../../app/format";
import { groupColour, keyColour } from "../../app/key-colours";
import type { ApplicationView } from "../../engine-client/workbench-types";
import { startGroupsPoller } from "../../state/groups-poller";
import { brokerClient, useStore } from "../../state/store";
import { feedVersion, nodeRates, nodeTotal, recentOfNode, recentOfStore, subscribeStreamsFeed, watchedOfNode, type RecentEntry, type WatchedEntry } from "../../state/streams-feed";
import { OrderingPanel } from "../groups/ordering-panel";
import { valueText } from "../windows/window-model";
import { layoutTopology, topologyGraph, type GraphNode, type LayoutVariant, type PositionedGraph, type TopologyGraph } from "./topology-graph";
import "./topology.css";

const STATE_HINT: Record<string, string> = {
  CREATED: "Created, not started yet.",
  REBALANCING: "Joining its consumer group and getting tasks (one per input partition).",
  RUNNING: "Processing: every task reads its partitions and writes its results.",
  PENDING_SHUTDOWN: "Closing: committing and leaving the group.",
  NOT_RUNNING: "Stopped. Committed offsets stay; a start resumes from them.",
  PENDING_ERROR: "Failing: a task threw.",
  ERROR: "Stopped by an error in a task: fix the topology and restart.",
};

/** Rates while the clock plays; paused, nothing flows. */
function useRates(applicationId: string | null): Map<string, number> {
  const playing = useStore((s) => s.clock?.playing ?? false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((t) => t + 1), 500);
    return () => clearInterval(id);
  }, []);
  // Re-read twice a second: rates are an average, not a per-frame number.
  return useMemo(() => (applicationId && playing ? nodeRates(applicationId) : new Map<string, number>()), [applicationId, playing, tick]);
}

function useFeed(): number {
  return useSyncExternalStore(subscribeStreamsFeed, feedVersion);
}

function formatRate(r: number): string {
  if (r <= 0) return "0/s";
  if (r < 10) return `${r.toFixed(1)}/s`;
  return `${formatCount(Math.round(r))}/s`;
}

function NodeShape({ node, box, selected, rate, onSelect }: { node: GraphNode; box: { x: number; y: number; width: number; height: number }; selected: boolean; rate: number | undefined; onSelect: () => void }) {
  const { x, y, width: w, height: h } = box;
  const cls = `tnode kind-${node.kind}${selected ? " selected" : ""}`;
  let shape;
  if (node.kind === "store") {
    const ry = 7;
    shape = (
      <path
        className="tnode-shape"
        d={`M ${x} ${y + ry} A ${w / 2} ${ry} 0 0 1 ${x + w} ${y + ry} L ${x + w} ${y + h - ry} A ${w / 2} ${ry} 0 0 1 ${x} ${y + h - ry} Z M ${x} ${y + ry} A ${w / 2} ${ry} 0 0 0 ${x + w} ${y + ry}`}
      />
    );
  } else {
    const rx = node.kind === "topic" || node.kind === "repartition-topic" || node.kind === "changelog-topic" ? h / 2 : node.kind === "processor" ? 6 : 14;
    shape = <rect className="tnode-shape" x={x} y={y} width={w} height={h} rx={rx} />;
  }
  const twoLines = node.sublabel !== null;
  const shownLabel = node.label.length > 34 ? `${node.label.slice(0, 33)}…` : node.label;
  const shownSub = node.sublabel === null ? null : node.sublabel.length > 40 ? `…${node.sublabel.slice(-39)}` : node.sublabel;
  return (
    <g
      className={cls}
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      aria-label={`${shownLabel}${shownSub ? ` ${shownSub}` : ""}: ${node.kind.replace("-", " ")}${rate !== undefined ? `, ${formatRate(rate)}` : ""}`}
      data-testid={`tnode-${node.id}`}
      onClick={onSelect}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onSelect();
        }
      }}
    >
      {shape}
      <text x={x + w / 2} y={y + (twoLines ? h / 2 - 2 : h / 2 + 5)} textAnchor="middle">
        <tspan className="tnode-label">{shownLabel}</tspan>
        {twoLines && (
          // The space keeps the two lines two words for screen readers and the accessible name.
          <tspan className="tnode-sublabel" x={x + w / 2} dy={16}>
            {` ${shownSub}`}
          </tspan>
        )}
      </text>
    </g>
  );
}

function edgePath(points: Array<{ x: number; y: number }>): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ");
}

/** Where an edge's rate label goes: beside the middle of its longest straight stretch. */
function labelSpot(points: Array<{ x: number; y: number }>): { x: number; y: number; anchor: "start" | "middle" } {
  let best = { x: points[0]?.x ?? 0, y: points[0]?.y ?? 0, len: -1, vertical: false };
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len > best.len) best = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, len, vertical: Math.abs(b.x - a.x) < Math.abs(b.y - a.y) };
  }
  // Beside a vertical stretch, above a horizontal one: never across the line.
  return best.vertical ? { x: best.x + 7, y: best.y + 4, anchor: "start" } : { x: best.x, y: best.y - 6, anchor: "middle" };
}

function GraphCanvas({ app, graph, layout, scale, selected, onSelect }: { app: ApplicationView; graph: TopologyGraph; layout: PositionedGraph; scale: number; selected: string | null; onSelect: (id: string) => void }) {
  const rates = useRates(app.applicationId);
  const colour = groupColour(app.applicationId);
  const tasksPerSub = new Map<number, number>();
  for (const t of app.tasks) {
    const sub = Number(t.id.split("_")[0]);
    tasksPerSub.set(sub, (tasksPerSub.get(sub) ?? 0) + 1);
  }
  const margin = 8;
  return (
    <svg
      className="topology-svg"
      width={(layout.width + margin * 2) * scale}
      height={(layout.height + margin * 2) * scale}
      viewBox={`${-margin} ${-margin} ${layout.width + margin * 2} ${layout.height + margin * 2}`}
      role="group"
      aria-label={`Topology of ${app.applicationId}`}
      data-testid="topology-graph"
    >
      <defs>
        <marker id="tarrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="tarrow" />
        </marker>
      </defs>
      {layout.groups.map((g) => {
        const sub = Number(g.id.slice("sub:".length));
        return (
          <g key={g.id} className="tsub" data-testid={`tsub-${sub}`}>
            <rect x={g.x} y={g.y} width={g.width} height={g.height} rx={8} style={{ stroke: colour }} />
            <text x={g.x + 10} y={g.y + 20}>
              Sub-topology {sub} · {tasksPerSub.get(sub) ?? 0} task{tasksPerSub.get(sub) === 1 ? "" : "s"}
            </text>
          </g>
        );
      })}
      {graph.edges.map((e) => {
        const points = layout.edges[e.id];
        if (!points || points.length < 2) return null;
        const rate = e.rateNode ? (rates.get(e.rateNode) ?? 0) : undefined;
        const width = e.kind === "flow" ? 1.5 + Math.min(6, Math.log10(1 + (rate ?? 0)) * 1.8) : 1.5;
        const spot = labelSpot(points);
        return (
          <g key={e.id} className={`tedge kind-${e.kind}`} data-testid={`tedge-${e.id}`} data-rate={rate ?? ""}>
            <path d={edgePath(points)} strokeWidth={width} markerEnd={e.kind === "store" ? undefined : "url(#tarrow)"} className="tedge-line" />
            {e.kind === "flow" && rate !== undefined && rate > 0 && (
              <text className="tedge-rate" x={spot.x} y={spot.y} textAnchor={spot.anchor}>
                {formatRate(rate)}
              </text>
            )}
          </g>
        );
      })}
      {graph.nodes.map((n) => {
        const box = layout.nodes[n.id];
        if (!box) return null;
        return <NodeShape key={n.id} node={n} box={box} selected={selected === n.id} rate={n.rateNode ? rates.get(n.rateNode) : undefined} onSelect={() => onSelect(n.id)} />;
      })}
    </svg>
  );
}

function RecordList({ entries, empty }: { entries: readonly RecentEntry[]; empty: string }) {
  if (entries.length === 0) return <p className="quiet">{empty}</p>;
  return (
    <ol className="node-records num" data-testid="node-records">
      {[...entries].reverse().map((r, i) => (
        <li key={i}>
          <span className="key-chip" style={{ background: keyColour(r.key) }} aria-hidden="true" />
          <span className="nr-key">{r.key}</span>
          {r.window && (
            <span className="quiet">
              [{formatClock(r.window.start)}–{formatClock(r.window.end)})
            </span>
          )}
          <span className="nr-value">{r.what === "put" || r.what === "window updated" || r.what === "final result" ? valueText(r.value) : r.what}</span>
        </li>
      ))}
    </ol>
  );
}

/** What became of a record a watched processor received. */
function outcomeOf(r: WatchedEntry, isFilter: boolean, hasChildren: boolean): { text: string; passed: boolean } | null {
  if (!hasChildren) return null;
  if (isFilter) return r.forwarded > 0 ? { text: "passed", passed: true } : { text: "filtered out", passed: false };
  if (r.forwarded === 0) return { text: "not forwarded", passed: false };
  return { text: r.forwarded > 1 ? `forwarded ×${r.forwarded}` : "forwarded", passed: true };
}

/** Records a watched processor received, newest first, with where each came from and what the node did with it. */
function WatchedList({ entries, isFilter, hasChildren }: { entries: readonly WatchedEntry[]; isFilter: boolean; hasChildren: boolean }) {
  if (entries.length === 0) return <p className="quiet">Watching this node: the records it receives from now on appear here.</p>;
  return (
    <ol className="node-records watched-records num" data-testid="node-records" tabIndex={0} aria-label="Records this node received, newest first">
      {[...entries].reverse().map((r, i) => {
        const outcome = outcomeOf(r, isFilter, hasChildren);
        return (
          <li key={i} data-testid="watched-record" title={`${r.value ?? "null"}\n${r.topic === null ? "from a punctuation" : `${r.topic}-${r.partition} offset ${r.offset}`} · task ${r.taskId} · timestamp ${r.timestamp}`}>
            <span className="key-chip" style={{ background: keyColour(r.key) }} aria-hidden="true" />
            <span className="nr-key">{r.key ?? "null"}</span>
            <span className="nr-value">{r.value ?? "null"}</span>
            {r.topic !== null && (
              <span className="quiet nr-where">
                p{r.partition}@{r.offset}
              </span>
            )}
            {outcome && (
              <span className={`nr-outcome ${outcome.passed ? "passed" : "stopped"}`} data-testid="watched-outcome">
                {outcome.text}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** Asks the engine to watch a processor while its panel is open (watching wraps the node; unwatched ones cost nothing). */
function useWatchedNode(applicationId: string, node: string | null): void {
  useEffect(() => {
    if (node === null) return;
    const client = brokerClient();
    if (!client) return;
    void client.api.watchNode(applicationId, node).catch(() => {});
    return () => {
      void brokerClient()?.api.watchNode(applicationId, null).catch(() => {});
    };
  }, [applicationId, node]);
}

interface TopicTail {
  topic: string;
  records: Array<{ partition: number; offset: number; key: string | null; value: string | null; timestamp: number }>;
}

/** The last records of a topic, across its partitions, newest first; refreshed while shown. */
function useTopicTail(topic: string | null): TopicTail | null {
  const [tail, setTail] = useState<TopicTail | null>(null);
  useEffect(() => {
    if (!topic) {
      setTail(null);
      return;
    }
    let cancelled = false;
    const load = async () => {
      const client = brokerClient();
      if (!client) return;
      try {
        const d = await client.api.describeTopic(topic);
        const parts = await Promise.all(d.partitions.map((p) => client.api.readRange(topic, p.partition, Math.max(p.logStartOffset, p.highWatermark - 6), 6)));
        const records = parts
          .flatMap((r) => r.records)
          .filter((r) => r.control === null)
          .sort((a, b) => b.timestamp - a.timestamp)
          .slice(0, 10)
          .map((r) => ({ partition: r.partition, offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp }));
        if (!cancelled) setTail({ topic, records });
      } catch {
        if (!cancelled) setTail({ topic, records: [] });
      }
    };
    void load();
    const id = setInterval(() => void load(), 1000);
    return () => {
      cancelled = true;
      clearInterval(id);
    };
  }, [topic]);
  return tail;
}

function NodePanel({ app, graph, nodeId }: { app: ApplicationView; graph: TopologyGraph; nodeId: string }) {
  useFeed();
  const rates = useRates(app.applicationId);
  const node = graph.nodes.find((n) => n.id === nodeId);
  const plan = node?.rateNode ? app.nodes.find((n) => n.name === node.rateNode) : undefined;
  const topicOfNode = node?.topic ?? (plan && (plan.kind === "source" || plan.kind === "sink") ? (plan.topics[0] ?? null) : null);
  const tail = useTopicTail(topicOfNode);
  const watchedName = node?.kind === "processor" && plan?.kind === "processor" ? plan.name : null;
  useWatchedNode(app.applicationId, watchedName);
  if (!node) return null;
  const rate = node.rateNode ? (rates.get(node.rateNode) ?? 0) : null;
  const name = node.id.slice(node.id.indexOf(":") + 1);
  let records;
  if (node.kind === "store") {
    records = <RecordList entries={recentOfStore(app.applicationId, name)} empty="No store updates seen since this page opened." />;
  } else if (watchedName !== null && plan) {
    const results = recentOfNode(app.applicationId, watchedName);
    records = (
      <>
        <WatchedList entries={watchedOfNode(app.applicationId, watchedName)} isFilter={/-FILTER-|-filter$/i.test(watchedName)} hasChildren={plan.children.length > 0} />
        {results.length > 0 && (
          <>
            <h4>Last results</h4>
            <RecordList entries={results} empty="" />
          </>
        )}
      </>
    );
  } else if (tail) {
    records =
      tail.records.length === 0 ? (
        <p className="quiet">No records in {tail.topic} yet.</p>
      ) : (
        <ol className="node-records num" data-testid="node-records">
          {tail.records.map((r) => (
            <li key={`${r.partition}-${r.offset}`}>
              <span className="key-chip" style={{ background: keyColour(r.key) }} aria-hidden="true" />
              <span className="nr-key">{r.key ?? "null"}</span>
              <span className="quiet">
                p{r.partition}@{r.offset}
              </span>
              <span className="nr-value">{r.value === null ? "null" : r.value.length > 60 ? `${r.value.slice(0, 59)}…` : r.value}</span>
            </li>
          ))}
        </ol>
      );
  } else {
    records = <p className="quiet">A stateless processor: records pass through it without being kept. Its source and sink topics hold them.</p>;
  }
  return (
    <section className="node-panel" aria-label="Selected node" data-testid="node-panel">
      <h3>
        {node.label} <span className="quiet node-kind">{node.kind.replace("-", " ")}</span>
      </h3>
      {node.sublabel && <p className="num quiet node-name">{node.kind === "processor" || node.kind === "source" || node.kind === "sink" ? node.sublabel : name}</p>}
      <dl className="node-facts num">
        {rate !== null && (
          <>
            <dt>throughput</dt>
            <dd data-testid="node-rate">{formatRate(rate)}</dd>
          </>
        )}
        {plan && (
          <>
            <dt>processed</dt>
            <dd>{formatCount(nodeTotal(app.applicationId, plan.name))}</dd>
          </>
        )}
        {plan && plan.stores.length > 0 && (
          <>
            <dt>stores</dt>
            <dd>{plan.stores.join(", ")}</dd>
          </>
        )}
        {topicOfNode && (
          <>
            <dt>topic</dt>
            <dd>{topicOfNode}</dd>
          </>
        )}
      </dl>
      <h4>{watchedName !== null ? "Last records received" : "Last records"}</h4>
      {records}
    </section>
  );
}

/** The per-key ordering check runs for the application on screen only (it is opt-in in the engine). */
function useWatchedOrdering(applicationId: string | null): void {
  useEffect(() => {
    if (applicationId === null) return;
    const client = brokerClient();
    if (!client) return;
    void client.api.watchOrdering(applicationId, true).catch(() => {});
    return () => {
      void brokerClient()?.api.watchOrdering(applicationId, false).catch(() => {});
    };
  }, [applicationId]);
}

function AppStatus({ app }: { app: ApplicationView }) {
  return (
    <div className="app-status">
      <span className="group-dot" style={{ background: groupColour(app.applicationId) }} aria-hidden="true" />
      <h2 className="app-title">{app.applicationId}</h2>
      <span className={`app-state state-${app.state}`} data-testid="app-state" title={STATE_HINT[app.state] ?? ""}>
        {app.state}
      </span>
      <span className="num quiet" title="One task per input partition of each sub-topology">
        {app.tasks.length} tasks
      </span>
      <span className="num">{formatCount(app.stats.processed)} processed</span>
      <span className="num">{formatCount(app.stats.produced)} produced</span>
      {app.stats.dropped > 0 && (
        <span className="num app-dropped" title="Records dropped: late for their window, or skipped by a handler">
          {formatCount(app.stats.dropped)} dropped
        </span>
      )}
      <span className="quiet">{app.processingGuarantee}</span>
    </div>
  );
}

export function AppFailure({ app }: { app: ApplicationView }) {
  const f = app.failure;
  if (!f) return null;
  const where = f.topic !== null ? `${f.topic}-${f.partition} offset ${f.offset}` : f.taskId ? `task ${f.taskId}` : "";
  return (
    <div className="banner error app-failure" role="alert" data-testid="app-failure">
      <strong>{app.applicationId} stopped with an error</strong> {where && <span className="num">at {where}</span>}
      {f.line !== undefined && <span className="num"> · topology.ts:{f.line}:{f.column}</span>}
      <pre className="failure-message">{f.message}</pre>
    </div>
  );
}

export function TopologyView() {
  const applications = useStore((s) => s.applications);
  const loaded = useStore((s) => s.appsLoaded);
  const selectedApp = useStore((s) => s.selectedApp);
  const selectApp = useStore((s) => s.selectApp);
  const openDrawer = useStore((s) => s.openDrawer);
  const theme = useStore((s) => s.theme);
  useEffect(() => startGroupsPoller(), []);
  const app = applications.find((a) => a.applicationId === selectedApp) ?? applications[0];
  useWatchedOrdering(app?.applicationId ?? null);
  const graph = useMemo(() => (app && app.nodes.length > 0 ? topologyGraph(app.applicationId, app.nodes, app.internalTopics) : null), [app?.applicationId, app?.topology, app?.internalTopics.join(",")]);
  const roomRef = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState({ width: 700, height: 420 });
  useLayoutEffect(() => {
    const el = roomRef.current;
    if (!el) return;
    const measure = () => setRoom({ width: el.clientWidth, height: Math.max(300, window.innerHeight - el.getBoundingClientRect().top - 60) });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [graph !== null]);
  const [layout, setLayout] = useState<{ key: string; variant: LayoutVariant; graph: PositionedGraph; scale: number } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const layoutKey = graph ? `${app!.applicationId}|${app!.topology}|${Math.round(room.width / 40)}` : "";
  useEffect(() => {
    if (!graph) return;
    let cancelled = false;
    void layoutTopology(graph, room).then((l) => {
      if (!cancelled) setLayout({ key: layoutKey, ...l });
    });
    return () => {
      cancelled = true;
    };
  }, [layoutKey]);

  if (!loaded) return <section className="topology-view" data-testid="topology-view" />;
  if (!app) {
    return (
      <section className="empty-state" data-testid="topology-empty">
        <h2>No stream application yet</h2>
        <p>A stream application reads topics, processes each record through a graph of processors and state stores, and writes topics. Write one in the editor, or start from a template.</p>
        <button type="button" className="primary" onClick={() => openDrawer("editor")}>
          Open the editor
        </button>
      </section>
    );
  }
  return (
    <section className="topology-view" data-testid="topology-view" data-theme={theme}>
      {applications.length > 1 && (
        <div className="group-picker" role="tablist" aria-label="Stream applications">
          {applications.map((a) => (
            <button key={a.applicationId} type="button" role="tab" aria-selected={a.applicationId === app.applicationId} className={a.applicationId === app.applicationId ? "group-tab active" : "group-tab"} data-testid={`app-tab-${a.applicationId}`} onClick={() => selectApp(a.applicationId)}>
              <span className="group-dot" style={{ background: groupColour(a.applicationId) }} aria-hidden="true" />
              {a.applicationId} <span className="quiet">{a.state}</span>
            </button>
          ))}
        </div>
      )}
      <AppStatus app={app} />
      <AppFailure app={app} />
      <div className="topology-body">
        <div className="topology-room" ref={roomRef}>
          {!graph ? (
            <p className="quiet">{app.state === "NOT_RUNNING" ? "Stopped: start it from the editor to see its topology." : "Loading the topology…"}</p>
          ) : layout && layout.key === layoutKey ? (
            <GraphCanvas app={app} graph={graph} layout={layout.graph} scale={layout.scale} selected={selected} onSelect={(id) => setSelected(id === selected ? null : id)} />
          ) : (
            <p className="quiet">Laying out {graph.nodes.length} nodes…</p>
          )}
        </div>
        <aside className="topology-side">
          {selected && graph ? <NodePanel app={app} graph={graph} nodeId={selected} /> : <p className="quiet node-hint">Click a node to see its last records.</p>}
          {app.ordering && (
            <div className="topology-ordering">
              <OrderingPanel ordering={app.ordering} byLabel="task" />
            </div>
          )}
          <details className="describe" open data-testid="describe-panel">
            <summary>describe()</summary>
            <pre className="describe-text" data-testid="describe-text" tabIndex={0} aria-label="describe() output">
              {app.topology || "—"}
            </pre>
          </details>
        </aside>
      </div>
    </section>
  );
}
