import { KafkaError } from "../protocol/errors";
import type { ClientRuntime } from "./client-runtime";
import type { ConsumerEvent, PartitionLagView } from "./client-events";
import { CONSUMER_EVENTS } from "./consumer-api";
import { HandlerError } from "./handler-error";
import { Instrumentation, eventNames, type InstrumentationEvent, type RemoveInstrumentationEventListener } from "./instrumentation";
import { offsetsByTopic } from "./offsets-by-topic";

/** How a CRASH caused by the application's handler is worded in the low-level event. */
const HANDLER_ERROR = "the message handler threw";

/**
 * What a consumer tells the outside: KafkaJS's instrumentation events (`consumer.on`) and the
 * low-level events for the workbench (`consumer.onEvent`, and every client's through the
 * runtime). A listener that throws never breaks the consumer.
 */
export class ConsumerReporter {
  private readonly instrumentation: Instrumentation;
  private readonly listeners = new Set<(event: ConsumerEvent) => void>();
  private lastLag = "";

  constructor(
    private readonly runtime: ClientRuntime,
    private readonly groupId: string,
    private readonly memberId: () => string,
  ) {
    this.instrumentation = new Instrumentation(runtime.scheduler.clock, eventNames(CONSUMER_EVENTS), `consumer of group "${groupId}"`);
  }

  on(eventName: string, listener: (event: InstrumentationEvent<unknown>) => void): RemoveInstrumentationEventListener {
    return this.instrumentation.on(eventName, listener);
  }

  onEvent(listener: (event: ConsumerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A KafkaJS instrumentation event (one of CONSUMER_EVENTS). */
  instrument(type: string, payload: unknown): void {
    this.instrumentation.emit(type, payload);
  }

  emit(event: ConsumerEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A listener must not break the consumer.
      }
    }
    this.runtime.emit({ client: "consumer", ...event });
  }

  /** The fields every low-level event opens with. */
  base(): { at: number; clientId: string; groupId: string; memberId: string } {
    return { at: this.now(), clientId: this.runtime.clientId, groupId: this.groupId, memberId: this.memberId() };
  }

  now(): number {
    return this.runtime.scheduler.clock.now();
  }

  /** The lag event, only when some partition's figures changed since the last one. */
  lag(partitions: Record<string, PartitionLagView>): void {
    const signature = JSON.stringify(partitions);
    if (signature === this.lastLag) return;
    this.lastLag = signature;
    const totalLag = Object.values(partitions).reduce((n, p) => n + (p.lag ?? p.positionLag), 0);
    this.emit({ type: "lag", ...this.base(), partitions, totalLag });
  }

  committed(offsets: Record<string, number>, generationId: number, memberId: string): void {
    this.instrument(CONSUMER_EVENTS.COMMIT_OFFSETS, { groupId: this.groupId, memberId, groupGenerationId: generationId, topics: offsetsByTopic(offsets) });
    this.emit({ type: "offsets-committed", ...this.base(), generationId, offsets: { ...offsets } });
  }

  /** `restart`: the consumer carries on (a retriable failure) rather than stopping. */
  crashed(e: unknown, restart: boolean): void {
    const error = e instanceof HandlerError ? e.cause : e;
    const asError = error instanceof Error ? error : new Error(String(error));
    this.instrument(CONSUMER_EVENTS.CRASH, { error: asError, groupId: this.groupId, restart });
    this.emit({
      type: "crashed",
      ...this.base(),
      error: { type: error instanceof KafkaError ? error.type : null, message: e instanceof HandlerError ? `${HANDLER_ERROR}: ${asError.message}` : asError.message },
      restart,
    });
  }
}
