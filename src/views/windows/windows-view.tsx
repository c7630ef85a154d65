import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { formatClock, formatCount, formatDuration } from "../../app/format";
import { keyColour } from "../../app/key-colours";
import type { ApplicationView } from "../../engine-client/workbench-types";
import { onEngineFrame } from "../../state/engine-events";
import { startGroupsPoller } from "../../state/groups-poller";
import { brokerClient, useStore } from "../../state/store";
import { subscribeStreamsFeed, windowModel, windowModels } from "../../state/streams-feed";
import { useMotion } from "../shared/motion";
import { AppFailure } from "../topology/topology-view";
import { valueText, type WindowsModel } from "./window-model";
import { drawWindows, layoutWindows, type Palette } from "./windows-draw";
import "./windows.css";

const KEYS_SHOWN = 8;
/**
 * Records read per partition from the aggregation's input, the newest ones, at most every
 * TAIL_EVERY_MS: enough dots to see a window fill at a few records a second, a sample of
 * them at thousands a second, when no screen could show every record anyway.
 */
const TAIL_PER_READ = 40;
const TAIL_EVERY_MS = 300;

const KIND_TEXT: Record<string, string> = {
  tumbling: "Tumbling windows: fixed size, back to back; each record falls in exactly one.",
  hopping: "Hopping windows: fixed size, starting every advance; a record falls in several (stacked rows).",
  sliding: "Sliding windows: one per record's time difference; overlapping windows stack.",
  session: "Session windows: a key's records closer than the inactivity gap form one session; a record bridging two sessions merges them.",
  unknown: "Waiting for the first window.",
};

function palette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim() || "#888888";
  return { text: v("--text"), text2: v("--text-2"), border: v("--border"), surface: v("--surface"), surface2: v("--surface-2"), accent: v("--accent"), danger: v("--danger"), hatch: v("--hatch"), bg: v("--bg") };
}

/** The topics a windowed node reads: the sources of its sub-topology (broker names). */
export function inputTopicsOf(app: ApplicationView, node: string): string[] {
  const plan = app.nodes.find((n) => n.name === node);
  if (!plan) return [];
  return app.nodes.filter((n) => n.kind === "source" && n.subtopology === plan.subtopology).flatMap((n) => [...n.topics]);
}

/**
 * Reads the newest records of the node's input topics as they are appended, and gives
 * them to the model as dots: their real event times, whatever the aggregation does.
 */
function useInputTail(model: WindowsModel | null, topics: string[]): void {
  const key = topics.join(",");
  useEffect(() => {
    if (!model || topics.length === 0) return;
    const next = new Map<string, number>();
    let reading = false;
    let again = false;
    let stopped = false;
    const read = async () => {
      const client = brokerClient();
      if (!client || reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          for (const topic of topics) {
            const d = await client.api.describeTopic(topic);
            for (const p of d.partitions) {
              const id = `${topic}-${p.partition}`;
              const from = Math.max(next.get(id) ?? p.highWatermark - 20, p.highWatermark - TAIL_PER_READ, p.logStartOffset);
              if (from >= p.highWatermark) continue;
              const range = await client.api.readRange(topic, p.partition, from, TAIL_PER_READ);
              const now = performance.now();
              for (const r of range.records) if (r.control === null) model.addRecord({ key: r.key, timestamp: r.timestamp, partition: p.partition, offset: r.offset }, now);
              next.set(id, range.nextOffset);
            }
          }
        } while (again && !stopped);
      } catch {
        // The topic went away (reset, deleted); the next frame tries again.
      } finally {
        reading = false;
      }
    };
    void read();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const off = onEngineFrame((frame) => {
      if (timer !== undefined || !frame.events.some((e) => e.type === "records-appended" && topics.includes(e.topic))) return;
      timer = setTimeout(() => {
        timer = undefined;
        last = performance.now();
        void read();
      }, Math.max(0, TAIL_EVERY_MS - (performance.now() - last)));
    });
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      off();
    };
  }, [model, key]);
}

function WindowsCanvas({ model }: { model: WindowsModel }) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useStore((s) => s.theme);
  const motion = useMotion();
  const motionRef = useRef(motion);
  motionRef.current = motion;
  const [width, setWidth] = useState(700);
  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx) return;
    // Read on the first frame: the theme's variables are set by the shell after this effect.
    let colours: Palette | null = null;
    let frame = 0;
    let moving = true;
    let drawn = -1;
    const draw = () => {
      frame = requestAnimationFrame(draw);
      const wall = performance.now();
      const m = motionRef.current;
      const motionMs = m.duration(450);
      // A frame is drawn when the model changed (windows, keys, records) or, playing, while
      // the last frame still had something in motion. Paused, the picture holds still.
      const animating = motionMs > 0 && !m.paused && moving;
      if (!animating && model.revision === drawn) return;
      drawn = model.revision;
      const dpr = window.devicePixelRatio || 1;
      const layout = layoutWindows(model, KEYS_SHOWN);
      const height = layout.height + 16;
      if (el.width !== Math.round(width * dpr) || el.height !== Math.round(height * dpr)) {
        el.width = Math.round(width * dpr);
        el.height = Math.round(height * dpr);
        el.style.height = `${height}px`;
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      colours ??= palette();
      moving = drawWindows(ctx, model, { width, keys: KEYS_SHOWN, now: wall, motionMs, palette: colours }, layout).moving;
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [model, width, theme]);
  const bands = model.bands().length;
  return (
    <div ref={wrap} className="windows-canvas-wrap">
      <canvas
        ref={canvas}
        className="windows-canvas"
        data-testid="windows-canvas"
        tabIndex={0}
        style={{ width }}
        role="img"
        aria-label={`Windows of ${model.node} on an event-time axis: ${bands} windows, stream time ${Number.isFinite(model.streamTime) ? formatClock(model.streamTime) : "not started"}, ${model.lateDropped} late records dropped`}
      />
    </div>
  );
}

/** The newest windows as text: key, bounds, aggregate, open or closed. */
function WindowList({ model }: { model: WindowsModel }) {
  const keys = model.keys(KEYS_SHOWN);
  const rows = keys.flatMap((key) =>
    model
      .bands()
      .filter((b) => b.key === key)
      .sort((a, b) => b.start - a.start)
      .slice(0, 2),
  );
  return (
    <table className="window-list num" data-testid="window-list">
      <thead>
        <tr>
          <th scope="col">key</th>
          <th scope="col">window</th>
          <th scope="col">aggregate</th>
          <th scope="col">state</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((b) => (
          <tr key={b.id} data-testid="window-row" data-key={b.key} data-closed={b.closed}>
            <td>
              <span className="key-chip" style={{ background: keyColour(b.key) }} aria-hidden="true" /> {b.key}
            </td>
            <td>
              [{formatClock(b.start).slice(0, 8)} – {formatClock(b.end).slice(0, 8)})
            </td>
            <td className="window-agg" data-testid="window-aggregate">
              {valueText(b.value)}
            </td>
            <td className={b.closed ? "window-closed" : "window-open"}>{b.closed ? "closed" : "open"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function useFeedTick(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let pending = false;
    const off = subscribeStreamsFeed(() => {
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        setTick((t) => t + 1);
      }, ms);
    });
    return () => {
      off();
    };
  }, [ms]);
  return tick;
}

export function WindowsView() {
  const applications = useStore((s) => s.applications);
  const loaded = useStore((s) => s.appsLoaded);
  const selectedApp = useStore((s) => s.selectedApp);
  const selectApp = useStore((s) => s.selectApp);
  const openDrawer = useStore((s) => s.openDrawer);
  useEffect(() => startGroupsPoller(), []);
  useFeedTick(250);
  const [chosenNode, setChosenNode] = useState<string | null>(null);
  const withWindows = applications.filter((a) => windowModels(a.applicationId).size > 0 || a.nodes.some((n) => n.stores.length > 0));
  const app = withWindows.find((a) => a.applicationId === selectedApp) ?? withWindows[0];
  const nodes = app ? [...windowModels(app.applicationId).keys()] : [];
  const node = chosenNode && nodes.includes(chosenNode) ? chosenNode : (nodes[0] ?? null);
  const model = app && node ? windowModel(app.applicationId, node) : null;
  const topics = app && node ? inputTopicsOf(app, node) : [];
  useInputTail(model, topics);

  if (!loaded) return <section className="windows-view" data-testid="windows-view" />;
  if (!app) {
    return (
      <section className="empty-state" data-testid="windows-empty">
        <h2>No windowed aggregation running</h2>
        <p>Windows group a key's records by event time: tumbling, hopping, sliding or session windows, each with a grace period for late records. Start a windowed count from the editor's templates to watch them fill and close.</p>
        <button type="button" className="primary" onClick={() => openDrawer("editor")}>
          Open the editor
        </button>
      </section>
    );
  }
  const kind = model?.kind();
  return (
    <section className="windows-view" data-testid="windows-view">
      <div className="windows-header">
        {withWindows.length > 1 ? (
          <select aria-label="Application" value={app.applicationId} onChange={(e) => selectApp(e.target.value)}>
            {withWindows.map((a) => (
              <option key={a.applicationId}>{a.applicationId}</option>
            ))}
          </select>
        ) : (
          <h2 className="app-title">{app.applicationId}</h2>
        )}
        {nodes.length > 1 && (
          <select aria-label="Windowed operation" value={node ?? ""} onChange={(e) => setChosenNode(e.target.value)}>
            {nodes.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        )}
        {kind && (
          <span className="window-kind" data-testid="window-kind" title={KIND_TEXT[kind.kind]}>
            {kind.kind}
            {kind.sizeMs !== null && ` · size ${formatDuration(kind.sizeMs)}`}
            {kind.kind === "hopping" && kind.advanceMs !== null && ` · advance ${formatDuration(kind.advanceMs)}`}
          </span>
        )}
        {model && (
          <span className="num" title="Grace: how long after a window's end it still accepts out-of-order records (close = stream time − grace)" data-testid="window-grace">
            grace {model.graceMs === null ? "—" : formatDuration(model.graceMs)}
          </span>
        )}
        {model && Number.isFinite(model.streamTime) && (
          <span className="num stream-time" title="Stream time: the largest event time the aggregation has seen; it only moves forward" data-testid="stream-time">
            stream time {formatClock(model.streamTime)}
          </span>
        )}
        {model && (
          <span className={model.lateDropped > 0 ? "num late-count has" : "num late-count"} data-testid="late-dropped" title="Records that arrived after their window closed (past the grace period): dropped and counted">
            {formatCount(model.lateDropped)} late dropped
          </span>
        )}
      </div>
      <AppFailure app={app} />
      {!model ? (
        <p className="quiet">
          {app.applicationId} has not updated a window since this page opened{app.state === "RUNNING" ? "; windows appear with the next records." : ` (it is ${app.state}).`}
        </p>
      ) : (
        <>
          <WindowsCanvas model={model} />
          <div className="windows-legend">
            <span>
              <span className="legend-dot" /> record at its event time
            </span>
            <span>
              <span className="legend-dot hollow" /> out of order (behind its partition, still counted)
            </span>
            <span>
              <span className="legend-cross">✕</span> late: past end + grace, dropped
            </span>
            <span>
              <span className="legend-hatch" /> grace zone
            </span>
          </div>
          <WindowList model={model} />
        </>
      )}
    </section>
  );
}
