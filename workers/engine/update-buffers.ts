/**
 * What the engine API collects between two updates to the page, folded so an update stays
 * small however fast records flow. At 20,000 records/s a windowed count reports a window
 * update and a store update per record; the page keeps only the newest state of each window,
 * store key and node, so sending every intermediate one would only cost both threads a
 * structured clone per event.
 *
 * - Broker events: a records-appended event extends the previous one of the same partition
 *   when nothing else happened to that partition in between (a roll between two appends
 *   keeps them apart, so the old segment's end is still known).
 * - Stream applications' events: a node's running total, a window's aggregate and a store
 *   key's value replace the previous one of the same node, window or key in this update,
 *   taking its place at the newest position. Every other event (state changes, late
 *   records, closed windows, merges, errors) is kept as it is, in order.
 *
 * Both buffers keep at most `max` entries; older ones are dropped and counted, and the page
 * reloads what it shows when it learns that some were.
 */
import type { BrokerEvent } from "../broker/broker-events";
import type { StreamsEngineEvent } from "./engine";

type Appended = Extract<BrokerEvent, { type: "records-appended" }>;

export class BrokerEventBuffer {
  private events: BrokerEvent[] = [];
  /** Pending records-appended events that may still be extended, by "topic\0partition". */
  private open = new Map<string, Appended>();
  private droppedCount = 0;

  constructor(private readonly max: number) {}

  get dropped(): number {
    return this.droppedCount;
  }

  get size(): number {
    return this.events.length;
  }

  push(event: BrokerEvent): void {
    if (event.type === "records-appended") {
      const id = `${event.topic}\u0000${event.partition}`;
      const last = this.open.get(id);
      if (last && last.lastOffset < event.baseOffset) {
        last.lastOffset = event.lastOffset;
        last.recordCount += event.recordCount;
        last.bytes += event.bytes;
        return;
      }
      // A copy: the broker's event object is its own, and this one may be extended.
      const copy: Appended = { ...event };
      this.open.set(id, copy);
      this.events.push(copy);
    } else {
      // Group events say nothing about a partition's log; anything else may (a roll, a
      // cleaning, a deleted topic), so later appends start a new event.
      if (event.type !== "group") this.open.clear();
      this.events.push(event);
    }
    if (this.events.length > this.max) {
      const drop = this.events.length - this.max;
      this.events.splice(0, drop);
      this.droppedCount += drop;
      this.open.clear();
    }
  }

  /** The events so far, oldest first, and the buffer emptied. */
  take(): { events: BrokerEvent[]; dropped: number } {
    const out = { events: this.events, dropped: this.droppedCount };
    this.events = [];
    this.open = new Map();
    this.droppedCount = 0;
    return out;
  }
}

/**
 * How a key of a window or store event is told apart from another; undefined when it cannot
 * be said cheaply and safely (such events are not folded).
 */
function keyId(key: unknown): string | undefined {
  switch (typeof key) {
    case "string":
      return `s${key}`;
    case "number":
      return `n${key}`;
    case "boolean":
      return `b${key}`;
    case "object":
      if (key === null) return "null";
      try {
        return `j${JSON.stringify(key)}`;
      } catch {
        return undefined;
      }
    default:
      return key === undefined ? "undefined" : undefined;
  }
}

/** The identity an event folds under, or undefined if it is kept as it is. */
function foldId(e: StreamsEngineEvent): string | undefined {
  const ev = e.event;
  switch (ev.type) {
    case "node-processed":
      return `${e.applicationId}\u0000p\u0000${ev.taskId}\u0000${ev.node}`;
    case "window-update": {
      const k = keyId(ev.key);
      return k === undefined ? undefined : `${e.applicationId}\u0000w\u0000${ev.taskId}\u0000${ev.node}\u0000${ev.window.start}\u0000${ev.window.end}\u0000${k}`;
    }
    case "store-update": {
      const k = keyId(ev.key);
      const w = ev.window ? `${ev.window.start}\u0000${ev.window.end}` : "";
      return k === undefined ? undefined : `${e.applicationId}\u0000s\u0000${ev.taskId}\u0000${ev.store}\u0000${w}\u0000${k}`;
    }
    default:
      return undefined;
  }
}

export class StreamsEventBuffer {
  /** In order of each entry's newest event; folded events under their identity, others under a number. */
  private entries = new Map<string | number, StreamsEngineEvent>();
  private next = 0;
  private droppedCount = 0;

  constructor(private readonly max: number) {}

  get dropped(): number {
    return this.droppedCount;
  }

  get size(): number {
    return this.entries.size;
  }

  push(event: StreamsEngineEvent): void {
    const id = foldId(event);
    if (id === undefined) this.entries.set(this.next++, event);
    else {
      const previous = this.entries.get(id);
      if (previous) {
        this.entries.delete(id);
        const ev = event.event;
        const old = previous.event;
        // An aggregate's timestamp is the largest of its records' (Kafka Streams'
        // rule), and the page reads stream time from these: a late record folded into a
        // window must not take the window's timestamp back.
        if ((ev.type === "window-update" || ev.type === "store-update") && (old.type === "window-update" || old.type === "store-update") && old.timestamp > ev.timestamp) {
          event = { ...event, event: { ...ev, timestamp: old.timestamp } };
        }
      }
      this.entries.set(id, event);
    }
    if (this.entries.size > this.max) {
      const iterator = this.entries.keys();
      for (let drop = this.entries.size - this.max; drop > 0; drop--) {
        this.entries.delete(iterator.next().value!);
        this.droppedCount++;
      }
    }
  }

  take(): { events: StreamsEngineEvent[]; dropped: number } {
    const out = { events: [...this.entries.values()], dropped: this.droppedCount };
    this.entries = new Map();
    this.droppedCount = 0;
    return out;
  }
}
