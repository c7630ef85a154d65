/**
 * The partition tape: every partition of a topic as a row of records on one offset axis,
 * drawn on a canvas at 60 fps. Only the offsets in view are fetched from the broker; the
 * records appended at the tail slide in while the tape follows the log end; records the
 * cleaner removes fade out where they were. Wheel zooms around the pointer, dragging
 * pans, a click selects a record for the inspector.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { BrokerEvent, TopicDescription } from "../../engine-client/broker-client";
import { formatCount } from "../../app/format";
import { groupColour, keyColour } from "../../app/key-colours";
import { onEngineFrame } from "../../state/engine-events";
import { brokerClient, useStore } from "../../state/store";
import { AXIS_H, cellBand, drawTape, FADE_MS, ROW_H, rowTop, type TapeColours, type TapeRow, type TapeSegment } from "./tape-draw";
import { fetchWindow, fitRange, followTail, modeOf, offsetToX, panBy, xToOffset, zoomAt, type TapeViewport } from "./tape-geometry";
import { nextFlash, type FlashState } from "./head-flash";
import { TapeRecords, type TapeCell } from "./tape-records";

interface LivePartition {
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
  segments: TapeSegment[];
  fading: Array<{ cell: TapeCell; started: number }>;
}

const HEADER_W = 168;

/** A row's offsets as its head shows them, each with its flash (see head-flash.ts). */
interface HeadShown {
  start: FlashState;
  hw: FlashState;
  leo: FlashState;
}

function headOf(p: LivePartition, shown: HeadShown | undefined, wall: number): HeadShown {
  return { start: nextFlash(shown?.start, p.logStartOffset, wall), hw: nextFlash(shown?.hw, p.highWatermark, wall), leo: nextFlash(shown?.leo, p.logEndOffset, wall) };
}

/** The rows' offset numbers are brought up to date at most this often (wall ms). */
const HEADS_INTERVAL_MS = 200;
/** Appends alone (the flags moving) redraw the tape at most this often (wall ms). */
const OFFSETS_REDRAW_MS = 100;

function readColours(): TapeColours {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    text: v("--text"),
    text2: v("--text-2"),
    surface: v("--surface"),
    surface2: v("--surface-2"),
    border: v("--border"),
    accent: v("--accent"),
    hatch: v("--hatch"),
    warn: v("--warn-border"),
  };
}

function liveFrom(d: TopicDescription): LivePartition[] {
  return d.partitions.map((p) => ({
    logStartOffset: p.logStartOffset,
    highWatermark: p.highWatermark,
    logEndOffset: p.logEndOffset,
    segments: p.segments.map((s) => ({ baseOffset: s.baseOffset, nextOffset: s.nextOffset, isActive: s.isActive })),
    fading: [],
  }));
}

export function PartitionTape({ description }: { description: TopicDescription }) {
  const topic = description.name;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const canvasCol = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const viewport = useRef<TapeViewport>({ start: -1, pxPerOffset: 36, width: 800 });
  const following = useRef(true);
  /** Each row's log end at the right edge (following the tail), or one shared offset axis. */
  const alignEnds = useRef(true);
  const live = useRef<LivePartition[]>(liveFrom(description));
  const dirty = useRef(true);
  /**
   * Records were appended: the flags and brackets move. On its own that redraws the tape
   * ten times a second at most; the records themselves arrive with the tape's reads.
   */
  const offsetsMoved = useRef(false);
  const hover = useRef<{ partition: number; offset: number } | null>(null);
  const animClock = useRef({ now: 0, last: performance.now(), forceUntil: 0 });
  const [info, setInfo] = useState({ mode: "labelled", pxPerOffset: 36, from: 0, to: 0, following: true, x0: 0, alignEnds: true });
  const [tooltip, setTooltip] = useState<{ x: number; y: number; cell: TapeCell; partition: number } | null>(null);
  const [heads, setHeads] = useState<HeadShown[]>(() => live.current.map((p) => headOf(p, undefined, 0)));
  const selection = useStore((s) => s.selection);
  const select = useStore((s) => s.select);
  const theme = useStore((s) => s.theme);
  const groupMarkers = useStore((s) => s.groupMarkers);
  // The clock changes with every engine update: the frame loop reads it, nothing renders.
  const clockRef = useRef(useStore.getState().clock);
  useEffect(() => useStore.subscribe((s) => void (clockRef.current = s.clock)), []);
  /** The partitions whose rows are scrolled into view (with one more each side): only they are fetched and drawn. */
  const shownRows = useRef({ first: 0, last: Number.POSITIVE_INFINITY });
  /**
   * The scrolled box: the canvas is only as tall as the box and stays in it (sticky),
   * drawing the rows under it; a canvas as tall as all rows would be copied whole to the
   * screen every frame, most of it out of sight.
   */
  const scrollBox = useRef({ top: 0, height: 600 });
  const colours = useRef<TapeColours | null>(null);
  const reducedMotion = useMemo(() => window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false, []);

  const records = useMemo(
    () =>
      new TapeRecords(
        brokerClient,
        topic,
        () => {
          dirty.current = true;
        },
        () => animClock.current.now,
      ),
    [topic],
  );

  // A new description (at most a few per second) brings segments and offsets; events in
  // between have usually moved the offsets further already.
  useEffect(() => {
    const fresh = liveFrom(description);
    const old = live.current;
    live.current = fresh.map((p, i) => {
      const o = old[i];
      if (!o) return p;
      return {
        ...p,
        highWatermark: Math.max(p.highWatermark, o.highWatermark),
        logEndOffset: Math.max(p.logEndOffset, o.logEndOffset),
        fading: o.fading,
      };
    });
    dirty.current = true;
  }, [description]);

  useEffect(() => {
    // The shell applies the theme in its own effect, which runs after this child's: read
    // the new colours on the next frame, once they are in force.
    const raf = requestAnimationFrame(() => {
      colours.current = readColours();
      dirty.current = true;
    });
    if (!colours.current) colours.current = readColours();
    return () => cancelAnimationFrame(raf);
  }, [theme]);

  // The first view of a topic: everything if it fits as cells, else the tail.
  useEffect(() => {
    const width = wrapRef.current?.clientWidth ?? 800;
    const maxEnd = Math.max(0, ...live.current.map((p) => p.logEndOffset));
    const minStart = Math.min(...live.current.map((p) => p.logStartOffset));
    viewport.current = maxEnd - minStart <= 60 ? fitRange(width - HEADER_W, Math.min(0, minStart), Math.max(12, maxEnd + 1)) : { ...viewport.current, width: width - HEADER_W, pxPerOffset: 36 };
    if (maxEnd - minStart <= 60) viewport.current.pxPerOffset = Math.min(viewport.current.pxPerOffset, 48);
    following.current = true;
    records.invalidate();
    dirty.current = true;
  }, [records]);

  useEffect(() => {
    const handle = (frame: { events: BrokerEvent[]; stale: boolean }) => {
      const wallNow = performance.now();
      if (frame.stale) records.invalidate();
      let changed = frame.stale;
      let appended = false;
      for (const e of frame.events) {
        if (!("topic" in e) || e.topic !== topic) continue;
        const p = "partition" in e ? live.current[e.partition] : undefined;
        if (e.type === "records-appended") appended = true;
        else changed = true;
        if (e.type === "records-appended" && p) {
          p.logEndOffset = Math.max(p.logEndOffset, e.lastOffset + 1);
          p.highWatermark = Math.max(p.highWatermark, e.lastOffset + 1);
          const active = p.segments.at(-1);
          if (active) active.nextOffset = p.logEndOffset;
        } else if (e.type === "log" && p) {
          const le = e.event;
          if (le.type === "segment-rolled") {
            for (const s of p.segments) s.isActive = false;
            p.segments.push({ baseOffset: le.baseOffset, nextOffset: le.baseOffset, isActive: true });
          } else if (le.type === "log-start-offset-moved") {
            p.logStartOffset = le.to;
          } else if (le.type === "segment-deleted") {
            p.segments = p.segments.filter((s) => s.baseOffset !== le.baseOffset);
          }
        } else if (e.type === "retention" && p) {
          p.logStartOffset = e.logStartOffset;
          p.segments = p.segments.filter((s) => !e.deletedSegments.includes(s.baseOffset));
          records.invalidate(e.partition);
        } else if (e.type === "cleaned" && p) {
          const win = records.window(e.partition);
          const started = animClock.current.now;
          for (const r of e.result.removed) {
            const cell = win?.cells.get(r.offset);
            if (cell) p.fading.push({ cell, started });
          }
          records.invalidate(e.partition);
        }
      }
      if (changed || appended) {
        if (!clockRef.current?.playing) animClock.current.forceUntil = wallNow + FADE_MS + 200;
        if (changed) dirty.current = true;
        else offsetsMoved.current = true;
      }
    };
    return onEngineFrame(handle);
  }, [topic, records]);

  // Size the canvas to its box, at the device's pixel ratio; follow which rows are in view.
  useEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const rowsInView = () => {
      scrollBox.current = { top: wrap.scrollTop, height: wrap.clientHeight };
      const top = wrap.scrollTop - AXIS_H;
      shownRows.current = { first: Math.max(0, Math.floor(top / ROW_H) - 1), last: Math.floor((top + wrap.clientHeight) / ROW_H) + 1 };
      dirty.current = true;
    };
    const ro = new ResizeObserver(() => {
      viewport.current = { ...viewport.current, width: Math.max(100, wrap.clientWidth - HEADER_W) };
      rowsInView();
    });
    ro.observe(wrap);
    rowsInView();
    wrap.addEventListener("scroll", rowsInView, { passive: true });
    return () => {
      ro.disconnect();
      wrap.removeEventListener("scroll", rowsInView);
    };
  }, []);

  // The frame loop: draw only when something changed or an animation runs.
  useEffect(() => {
    let raf = 0;
    let lastView = "";
    let lastHeads = "";
    let headsAt = -Infinity;
    let headsCount = -1;
    let drawnAt = -Infinity;
    // Reflect the view in the DOM (numbers for people, attributes for tests), cheaply: the
    // toolbar when the view changes, the rows' offsets a few times a second at most (while
    // records stream in they change every frame, faster than anyone reads them, and each
    // change re-renders and re-flashes every row).
    const reflect = (v: TapeViewport, parts: LivePartition[], wall: number) => {
      const from = Math.max(0, Math.floor(v.start));
      const to = Math.ceil(v.start + v.width / v.pxPerOffset);
      const x0 = Math.round(offsetToX(v, 0) * 100) / 100;
      const view = `${modeOf(v)}|${v.pxPerOffset.toFixed(4)}|${from}|${to}|${x0}|${following.current}|${alignEnds.current}`;
      if (view !== lastView) {
        lastView = view;
        setInfo({ mode: modeOf(v), pxPerOffset: v.pxPerOffset, from, to, following: following.current, x0, alignEnds: alignEnds.current });
      }
      const heads = parts.map((p) => `${p.logStartOffset},${p.highWatermark},${p.logEndOffset}`).join(";");
      if (heads !== lastHeads && (wall - headsAt >= HEADS_INTERVAL_MS || parts.length !== headsCount)) {
        lastHeads = heads;
        headsAt = wall;
        headsCount = parts.length;
        setHeads((shown) => parts.map((p, i) => headOf(p, shown[i], wall)));
      }
    };
    const loop = () => {
      raf = requestAnimationFrame(loop);
      const canvas = canvasRef.current;
      if (!canvas) return;
      const wall = performance.now();
      const ac = animClock.current;
      const c = clockRef.current;
      const advancing = (c?.playing ?? false) || wall < ac.forceUntil;
      const dt = wall - ac.last;
      ac.last = wall;
      if (advancing) ac.now += dt * (c?.playing ? Math.min(1, Math.max(0.25, c.speed)) : 1);
      const parts = live.current;
      let animating = false;
      for (const p of parts) {
        if (p.fading.length > 0) {
          p.fading = p.fading.filter((f) => ac.now - f.started < FADE_MS);
          animating ||= p.fading.length > 0;
        }
      }
      // While following, each row ends at the newest record fetched so far: at tens of
      // thousands of records a second the live log end runs ahead of any fetch, and a tape
      // of placeholders would show nothing.
      const ends = parts.map((p, i) => {
        const win = records.window(i);
        return following.current && win && win.to > p.logStartOffset ? Math.min(p.logEndOffset, win.to) : p.logEndOffset;
      });
      const maxEnd = Math.max(0, ...ends);
      if (following.current && parts.length > 0) {
        const minStart = Math.min(...parts.map((p) => p.logStartOffset));
        const target = followTail(viewport.current, maxEnd, minStart);
        const diff = target.start - viewport.current.start;
        if (Math.abs(diff) > 0.01) {
          const k = reducedMotion || Math.abs(diff * viewport.current.pxPerOffset) > viewport.current.width ? 1 : Math.min(1, (dt / 1000) * 10);
          viewport.current = { ...viewport.current, start: viewport.current.start + diff * k };
          animating = true;
        }
      }
      const v = viewport.current;
      const shifts = parts.map((_, i) => (alignEnds.current ? ends[i]! - maxEnd : 0));
      const shown = shownRows.current;
      for (const [i, p] of parts.entries()) {
        if (i < shown.first || i > shown.last) continue;
        if (following.current && modeOf(v) !== "density") {
          // Following: the newest records, as many as the view holds and half a screen more,
          // up to the live high watermark; the window then catches up with the log end.
          const span = Math.ceil((1.5 * v.width) / v.pxPerOffset);
          if (p.highWatermark > p.logStartOffset) records.ensure(i, Math.max(p.logStartOffset, p.highWatermark - span), p.highWatermark, true);
        } else {
          const w = fetchWindow({ ...v, start: v.start + shifts[i]! }, p.logStartOffset, p.highWatermark);
          if (w) records.ensure(i, w.from, w.to);
        }
        const win = records.window(i);
        if (win && win.latestAppearedAt > 0 && ac.now - win.latestAppearedAt < 1300) animating = true;
      }
      reflect(v, parts, wall);
      const offsetsDue = offsetsMoved.current && wall - drawnAt >= OFFSETS_REDRAW_MS;
      if (!dirty.current && !animating && !offsetsDue) return;
      dirty.current = false;
      offsetsMoved.current = false;
      drawnAt = wall;
      const scale = window.devicePixelRatio || 1;
      const contentH = AXIS_H + parts.length * ROW_H;
      const box = scrollBox.current;
      const cssH = Math.max(1, Math.min(contentH, box.height));
      const offsetY = Math.max(0, Math.min(box.top, contentH - cssH));
      if (canvas.width !== Math.round(v.width * scale) || canvas.height !== Math.round(cssH * scale)) {
        canvas.width = Math.round(v.width * scale);
        canvas.height = Math.round(cssH * scale);
        canvas.style.width = `${v.width}px`;
        canvas.style.height = `${cssH}px`;
      }
      if (canvasCol.current) canvasCol.current.style.height = `${contentH}px`;
      const ctx = canvas.getContext("2d");
      if (!ctx || !colours.current) return;
      const markers = useStore.getState().groupMarkers;
      const sel = useStore.getState().selection;
      const rows: TapeRow[] = parts.map((p, i) => ({
        partition: i,
        logStartOffset: p.logStartOffset,
        highWatermark: p.highWatermark,
        logEndOffset: p.logEndOffset,
        segments: p.segments,
        window: records.window(i),
        markers: markers[`${topic}-${i}`] ?? [],
        shift: shifts[i]!,
        fading: p.fading,
      }));
      drawTape(ctx, {
        viewport: v,
        rows,
        colours: colours.current,
        now: ac.now,
        reducedMotion,
        selected: sel && sel.topic === topic ? sel : null,
        hover: hover.current,
        scale,
        shownRows: shown,
        offsetY,
        height: cssH,
      });
    };
    raf = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(raf);
  }, [records, topic, reducedMotion]);

  useEffect(() => {
    dirty.current = true;
  }, [selection, groupMarkers]);

  const zoom = useCallback((factor: number, anchorX?: number) => {
    const v = viewport.current;
    const anchor = anchorX ?? (following.current ? v.width - Math.min(v.width * 0.08, 80) : v.width / 2);
    viewport.current = zoomAt(v, factor, anchor);
    dirty.current = true;
  }, []);

  const fitAll = useCallback(() => {
    const parts = live.current;
    const maxEnd = Math.max(1, ...parts.map((p) => p.logEndOffset));
    const minStart = Math.min(...parts.map((p) => p.logStartOffset));
    viewport.current = fitRange(viewport.current.width, Math.min(minStart, 0), maxEnd);
    following.current = false;
    alignEnds.current = false;
    dirty.current = true;
  }, []);

  const setFollowing = useCallback((on: boolean) => {
    following.current = on;
    if (on) alignEnds.current = true;
    dirty.current = true;
  }, []);

  const setAlignEnds = useCallback((on: boolean) => {
    alignEnds.current = on;
    dirty.current = true;
  }, []);

  // Keys of the tape: + and - zoom, 0 fits the whole log, f follows the tail.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.target as HTMLElement | null)?.closest("input, textarea, select, [contenteditable], [role=dialog]")) return;
      if (e.key === "+" || e.key === "=") zoom(1.5);
      else if (e.key === "-" || e.key === "_") zoom(1 / 1.5);
      else if (e.key === "0") fitAll();
      else if (e.key === "f") setFollowing(!following.current);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [zoom, fitAll, setFollowing]);

  // Wheel zooms around the pointer; horizontal wheel and shift+wheel pan.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const x = e.clientX - canvas.getBoundingClientRect().left;
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        viewport.current = panBy(viewport.current, -(e.shiftKey ? e.deltaY : e.deltaX));
        following.current = false;
      } else {
        viewport.current = zoomAt(viewport.current, Math.exp(-e.deltaY * 0.0025), x);
        if (x < viewport.current.width * 0.8) following.current = false;
      }
      dirty.current = true;
    };
    canvas.addEventListener("wheel", onWheel, { passive: false });
    return () => canvas.removeEventListener("wheel", onWheel);
  }, []);

  const drag = useRef<{ x: number; moved: boolean } | null>(null);

  function hit(e: React.PointerEvent<HTMLCanvasElement>): { partition: number; offset: number; cell: TapeCell | undefined } | null {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left;
    // The canvas stays at the top of the scrolled box: rows are where the box is scrolled to.
    const y = e.clientY - rect.top + scrollBox.current.top;
    const partition = Math.floor((y - AXIS_H) / ROW_H);
    const p = live.current[partition];
    if (!p) return null;
    const band = cellBand(partition);
    if (y < band.top - 4 || y > band.bottom + 18) return null;
    const maxEnd = Math.max(0, ...live.current.map((q) => q.logEndOffset));
    const shift = alignEnds.current ? p.logEndOffset - maxEnd : 0;
    const offset = Math.floor(xToOffset(viewport.current, x) + shift);
    if (offset < p.logStartOffset || offset >= p.logEndOffset) return null;
    return { partition, offset, cell: records.window(partition)?.cells.get(offset) };
  }

  return (
    <div className="tape" data-testid="partition-tape">
      <div className="tape-toolbar" role="toolbar" aria-label="Tape controls">
        <button type="button" className="icon-button" data-testid="tape-zoom-in" title="Zoom in (+)" aria-label="Zoom in" onClick={() => zoom(1.6)}>
          +
        </button>
        <button type="button" className="icon-button" data-testid="tape-zoom-out" title="Zoom out (−)" aria-label="Zoom out" onClick={() => zoom(1 / 1.6)}>
          −
        </button>
        <button type="button" data-testid="tape-fit" title="Fit the whole log (0)" onClick={fitAll}>
          Fit all
        </button>
        <button type="button" data-testid="tape-follow" aria-pressed={info.following} title="Keep the log end in view as records arrive (f)" onClick={() => setFollowing(!following.current)}>
          Follow tail
        </button>
        <button
          type="button"
          data-testid="tape-align"
          aria-pressed={info.alignEnds}
          title="Align every partition's log end at the right edge, or put all partitions on one offset axis"
          onClick={() => setAlignEnds(!alignEnds.current)}
        >
          Align log ends
        </button>
        <span
          className="tape-info num"
          data-testid="tape-info"
          data-mode={info.mode}
          data-from={info.from}
          data-to={info.to}
          data-px-per-offset={info.pxPerOffset.toFixed(4)}
          data-x0={info.x0}
          data-align-ends={info.alignEnds}
        >
          offsets {formatCount(info.from)}–{formatCount(info.to)} ·{" "}
          {info.mode === "density" ? `≈${formatCount(Math.round(1 / info.pxPerOffset))} records per pixel column` : info.mode === "cells" ? "records by key colour" : "one cell per record"}
        </span>
        <span className="tape-legend" aria-hidden="true">
          <span className="legend-item">
            <span className="legend-swatch hatch" /> deleted by retention
          </span>
          <span className="legend-item">
            <span className="legend-swatch active" /> active segment
          </span>
          <span className="legend-item">
            <span className="legend-swatch tombstone">✕</span> tombstone
          </span>
        </span>
      </div>
      {/* Focusable so the rows scroll from the keyboard when they do not all fit. */}
      <div className="tape-scroll" ref={wrapRef} tabIndex={0} aria-label={`Partitions of ${topic}`}>
        <div className="tape-heads" style={{ width: HEADER_W, paddingTop: AXIS_H }}>
          {heads.map((p, i) => {
            const markers = groupMarkers[`${topic}-${i}`] ?? [];
            return (
              <div key={i} className="tape-head" style={{ height: ROW_H }} data-testid={`tape-row-${i}`}>
                <div className="tape-head-title">
                  Partition <span className="num">{i}</span>
                </div>
                <dl className="tape-head-offsets">
                  <div title="Log start offset: the first offset still in the log">
                    <dt>start</dt>
                    <dd className="num" data-testid="tape-log-start">
                      <span key={p.start.key} className={p.start.flashing ? "changed" : undefined}>
                        {p.start.value}
                      </span>
                    </dd>
                  </div>
                  <div title="High watermark: offsets below it are committed and visible to consumers">
                    <dt>HW</dt>
                    <dd className="num" data-testid="tape-hw">
                      <span key={p.hw.key} className={p.hw.flashing ? "changed" : undefined}>
                        {p.hw.value}
                      </span>
                    </dd>
                  </div>
                  <div title="Log end offset: the offset the next record appended will get">
                    <dt>LEO</dt>
                    <dd className="num" data-testid="tape-leo">
                      <span key={p.leo.key} className={p.leo.flashing ? "changed" : undefined}>
                        {p.leo.value}
                      </span>
                    </dd>
                  </div>
                </dl>
                {markers.length > 0 && (
                  <div className="tape-head-lag">
                    {markers.map((m) => (
                      <span key={m.groupId} title={`${m.groupId}: committed ${m.committed}, position ${m.position}`}>
                        <span className="group-dot" style={{ background: groupColour(m.groupId) }} aria-hidden="true" /> lag <span className="num">{p.hw.value - m.committed}</span>
                      </span>
                    ))}
                  </div>
                )}
              </div>
            );
          })}
        </div>
        <div className="tape-canvas-col" ref={canvasCol}>
          <canvas
            ref={canvasRef}
            className="tape-canvas"
            data-testid="tape-canvas"
            role="img"
            aria-label={`Partitions of ${topic} as tapes of records: offsets ${info.from} to ${info.to}. Click a record to inspect it.`}
            onPointerDown={(e) => {
              drag.current = { x: e.clientX, moved: false };
              e.currentTarget.setPointerCapture(e.pointerId);
            }}
            onPointerMove={(e) => {
              if (drag.current && e.buttons === 1) {
                const dx = e.clientX - drag.current.x;
                if (Math.abs(dx) > 3 || drag.current.moved) {
                  drag.current.moved = true;
                  drag.current.x = e.clientX;
                  viewport.current = panBy(viewport.current, dx);
                  following.current = false;
                  dirty.current = true;
                  setTooltip(null);
                }
                return;
              }
              const h = hit(e);
              const prev = hover.current;
              hover.current = h ? { partition: h.partition, offset: h.offset } : null;
              if (prev?.offset !== hover.current?.offset || prev?.partition !== hover.current?.partition) dirty.current = true;
              const rect = e.currentTarget.getBoundingClientRect();
              setTooltip(h?.cell ? { x: e.clientX - rect.left, y: rowTop(h.partition) + ROW_H - 6, cell: h.cell, partition: h.partition } : null);
            }}
            onPointerLeave={() => {
              hover.current = null;
              dirty.current = true;
              setTooltip(null);
            }}
            onPointerUp={(e) => {
              const d = drag.current;
              drag.current = null;
              if (d?.moved) return;
              const h = hit(e);
              if (!h) return;
              if (modeOf(viewport.current) === "density") {
                // Too many records per pixel to pick one: zoom in on the spot instead.
                const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
                viewport.current = zoomAt(viewport.current, 8, x);
                following.current = false;
                dirty.current = true;
                return;
              }
              if (h.cell) select({ topic, partition: h.partition, offset: h.offset });
            }}
          />
        </div>
        {tooltip && (
          <div className="tape-tooltip" role="tooltip" style={{ left: HEADER_W + Math.min(tooltip.x + 12, viewport.current.width - 280), top: tooltip.y }}>
            <div>
              <span className="key-chip" style={{ background: keyColour(tooltip.cell.key) }} /> partition <span className="num">{tooltip.partition}</span> · offset{" "}
              <span className="num">{tooltip.cell.offset}</span>
            </div>
            <div>
              key <code>{tooltip.cell.key ?? "null"}</code>
            </div>
            <div className="tooltip-value">
              {tooltip.cell.control ? `transaction marker ${tooltip.cell.control}` : tooltip.cell.tombstone ? "tombstone (null value)" : <code>{tooltip.cell.preview}</code>}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
