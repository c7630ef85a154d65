/**
 * The per-frame broker events, fanned out to views that animate them (the tape, the
 * compaction view) without going through React state: a record appended must not
 * re-render the page, only redraw a canvas.
 */
import type { BrokerEvent, ClockState } from "../engine-client/broker-client";
import type { StreamsEngineEvent } from "../engine-client/workbench-types";

export interface EngineFrame {
  events: BrokerEvent[];
  clock: ClockState | null;
  /** Events were dropped or the engine restarted: whatever a view cached is stale. */
  stale: boolean;
  /** A new engine started (first start, take-over, reset): what a view folded from events belongs to the old one. */
  restarted?: boolean;
  /** Stream applications' events of the frame (state changes, node counts, windows, late drops, errors). */
  streams?: StreamsEngineEvent[];
}

type Listener = (frame: EngineFrame) => void;

const listeners = new Set<Listener>();

export function onEngineFrame(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitEngineFrame(frame: EngineFrame): void {
  for (const l of listeners) l(frame);
}
