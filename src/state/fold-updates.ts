/**
 * Engine updates arriving between two animation frames, folded into one: the page then
 * sets its state, renders and hands views their events once per frame however many
 * updates the worker sent, and a busy frame is not followed by a queue of stale ones.
 */
import type { EngineUpdate } from "../engine-client/broker-client";

/** `later` applied after `earlier`, as one update. */
export function foldUpdates(earlier: EngineUpdate, later: EngineUpdate): EngineUpdate {
  // A restart in the later update: what the earlier one said belongs to the old engine.
  if (later.restarted) return later;
  return {
    state: later.state,
    clock: later.clock ?? earlier.clock,
    generators: later.generators,
    events: earlier.events.length === 0 ? later.events : later.events.length === 0 ? earlier.events : earlier.events.concat(later.events),
    droppedEvents: earlier.droppedEvents + later.droppedEvents,
    restarted: earlier.restarted,
    streams: earlier.streams.length === 0 ? later.streams : later.streams.length === 0 ? earlier.streams : earlier.streams.concat(later.streams),
    droppedStreamsEvents: earlier.droppedStreamsEvents + later.droppedStreamsEvents,
  };
}

/**
 * Calls `apply` at most once per animation frame with the updates received since the last
 * call, folded. A page in the background gets no frames, so a timer stands in after
 * `fallbackMs`.
 */
export function perFrame(apply: (update: EngineUpdate) => void, fallbackMs = 100): (update: EngineUpdate) => void {
  let pending: EngineUpdate | null = null;
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    timer = undefined;
    const update = pending;
    pending = null;
    if (update) apply(update);
  };
  return (update) => {
    const scheduled = pending !== null;
    pending = pending ? foldUpdates(pending, update) : update;
    if (scheduled) return;
    frame = requestAnimationFrame(run);
    timer = setTimeout(run, fallbackMs);
  };
}
