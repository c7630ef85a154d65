/**
 * KafkaJS's instrumentation events: `client.on(client.events.X, listener)` returns a function
 * that removes the listener. As in KafkaJS, listeners run after the client's own work (on a
 * microtask, never inside it) and an error thrown by a listener never reaches the client.
 */
import type { Clock } from "../runtime/clock";
import { KafkaError } from "../protocol/errors";

export interface InstrumentationEvent<T> {
  /** Increasing per client, as a string (KafkaJS's shape). */
  readonly id: string;
  readonly type: string;
  /** The engine clock's time of the event (ms). */
  readonly timestamp: number;
  readonly payload: T;
}

export type RemoveInstrumentationEventListener = () => void;

type Listener = (event: InstrumentationEvent<unknown>) => void;

export class Instrumentation {
  private readonly listeners = new Map<string, Set<Listener>>();
  private nextId = 0;

  constructor(
    private readonly clock: Clock,
    private readonly known: ReadonlySet<string>,
    private readonly owner: string,
  ) {}

  on(type: string, listener: Listener): RemoveInstrumentationEventListener {
    if (!this.known.has(type)) {
      throw new KafkaError("INVALID_REQUEST", `${this.owner}: unknown event "${type}"; events are ${[...this.known].join(", ")}`);
    }
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit(type: string, payload: unknown): void {
    const set = this.listeners.get(type);
    if (!set || set.size === 0) return;
    const event: InstrumentationEvent<unknown> = { id: String(this.nextId++), type, timestamp: this.clock.now(), payload };
    for (const listener of [...set]) {
      queueMicrotask(() => {
        try {
          listener(event);
        } catch {
          // A listener's failure is the listener's business (KafkaJS ignores it too).
        }
      });
    }
  }
}

export function eventNames(events: Readonly<Record<string, string>>): ReadonlySet<string> {
  return new Set(Object.values(events));
}
