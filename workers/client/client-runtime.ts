/**
 * What every client of one `Kafka` instance shares: the transport (wrapped so the instance
 * can tell when its work is done), the scheduler its timers run on, the random source of
 * the partitioner, and the low-level event listener.
 */
import type { Random } from "../runtime/random";
import type { Scheduler } from "../runtime/scheduler";
import { CLIENT_TRANSPORT_METHODS, PARKING_METHODS, type ClientTransport } from "./client-transport";
import type { ClientEvent } from "./client-events";

/** A transport that can say when the work it was given has finished (the in-process one can). */
interface Settling {
  idle?: () => Promise<void>;
  readonly activity?: number;
}

export class ClientRuntime {
  readonly transport: ClientTransport;
  private readonly pending = new Set<Promise<unknown>>();
  private calls = 0;
  private readonly listeners = new Set<(event: ClientEvent) => void>();

  constructor(
    private readonly inner: ClientTransport & Settling,
    readonly scheduler: Scheduler,
    readonly random: Random,
    readonly clientId: string,
  ) {
    this.transport = this.wrap(inner);
  }

  /** Counts every request and every piece of client work started (see `idle`). */
  get activity(): number {
    return this.calls + (this.inner.activity ?? 0);
  }

  /**
   * Keep `work` in the set `idle()` waits for. Only work that finishes on its own belongs
   * here, never a wait for time or for other clients.
   */
  track<T>(work: Promise<T>): Promise<T> {
    this.calls++;
    this.pending.add(work);
    void work.then(
      () => this.pending.delete(work),
      () => this.pending.delete(work),
    );
    return work;
  }

  /** Resolves when the work started so far has finished (requests, message handlers, commits). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.inner.idle?.();
  }

  listen(listener: (event: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ClientEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A listener must not break the client that reports to it.
      }
    }
  }

  private wrap(inner: ClientTransport): ClientTransport {
    const out: Record<string, unknown> = {};
    for (const name of CLIENT_TRANSPORT_METHODS) {
      const method = inner[name] as (...args: unknown[]) => Promise<unknown>;
      out[name] = (...args: unknown[]) => {
        const result = method.apply(inner, args);
        if (PARKING_METHODS.has(name)) {
          this.calls++;
          return result;
        }
        return this.track(result);
      };
    }
    return out as unknown as ClientTransport;
  }
}
