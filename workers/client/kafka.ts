/**
 * The entry point, shaped like KafkaJS's: `new Kafka({ clientId, … })`, then
 * `kafka.producer()`, `kafka.consumer({ groupId })`, `kafka.admin()`.
 *
 * Instead of `brokers` (accepted and ignored, so KafkaJS code runs as it is) it takes the
 * broker to talk to: `broker` for a Broker in this process (Node, tests), or `transport`
 * for any {@link ClientTransport} (the browser's proxy of the broker worker). Timers —
 * heartbeats, linger, the consumers' waits — run on `scheduler`, by default the broker's:
 * on an engine's virtual clock they fire as the engine's time is driven.
 */
import type { Broker } from "../broker/broker";
import { KafkaError } from "../protocol/errors";
import { SeededRandom, type Random } from "../runtime/random";
import type { Scheduler } from "../runtime/scheduler";
import { Admin } from "./admin";
import type { ClientEvent } from "./client-events";
import { ClientRuntime } from "./client-runtime";
import type { ClientTransport } from "./client-transport";
import { Consumer } from "./consumer";
import { InProcessTransport } from "./in-process-transport";
import type { ConsumerConfig, ProducerConfig, RetryOptions } from "./kafkajs-config";
import { Producer } from "./producer";

export interface KafkaConfig {
  /** Names this application's clients (prefix of the member ids the coordinator hands out). Default "streamlab". */
  clientId?: string;
  /** A broker in this process, or a function returning the current one (an engine restart replaces it). */
  broker?: Broker | (() => Broker);
  /** Any other way to reach a broker. */
  transport?: ClientTransport;
  /** Where the clients' timers run; default the broker's scheduler. Required with `transport`. */
  scheduler?: Scheduler;
  /** Randomness of the partitioner's sticky choice; default seeded from `seed`. */
  random?: Random;
  seed?: number;
  /** Every client's low-level events (consumer joins, rebalances, commits, lag, crashes). */
  listener?: (event: ClientEvent) => void;
  /** KafkaJS's connection options are accepted and ignored: there is one broker, in reach. */
  brokers?: string[] | (() => string[] | Promise<string[]>);
  retry?: RetryOptions;
  connectionTimeout?: number;
  requestTimeout?: number;
  logLevel?: number;
  ssl?: unknown;
  sasl?: unknown;
}

export class Kafka {
  readonly clientId: string;
  private readonly runtime: ClientRuntime;

  constructor(config: KafkaConfig) {
    this.clientId = config.clientId ?? "streamlab";
    const source = config.broker;
    let transport: ClientTransport;
    let scheduler = config.scheduler;
    if (config.transport) {
      transport = config.transport;
    } else if (source) {
      const inProcess = new InProcessTransport(source);
      transport = inProcess;
      scheduler ??= inProcess.broker.scheduler;
    } else {
      throw new KafkaError("INVALID_CONFIG", "new Kafka(): give the broker to talk to (broker: a Broker, or transport: a ClientTransport)");
    }
    if (!scheduler) throw new KafkaError("INVALID_CONFIG", "new Kafka(): a transport needs a scheduler for the clients' timers");
    this.runtime = new ClientRuntime(transport, scheduler, config.random ?? new SeededRandom(config.seed ?? 0x6b6a73), this.clientId);
    if (config.listener) this.runtime.listen(config.listener);
  }

  producer(config?: ProducerConfig): Producer {
    return new Producer(this.runtime, config);
  }

  consumer(config: ConsumerConfig): Consumer {
    return new Consumer(this.runtime, config);
  }

  admin(_config?: { retry?: RetryOptions }): Admin {
    return new Admin(this.runtime);
  }

  /** Every client's low-level events; returns an unsubscribe. */
  onEvent(listener: (event: ClientEvent) => void): () => void {
    return this.runtime.listen(listener);
  }

  /**
   * Resolves when the work these clients started has finished: requests, message handlers,
   * commits, and (in process) the broker's own work. Waits for other clients or for time
   * (a fetch the broker holds, a join waiting for the group) do not count.
   */
  idle(): Promise<void> {
    return this.runtime.idle();
  }

  /** Grows whenever these clients start work or hear back; see `VirtualTime`. */
  get activity(): number {
    return this.runtime.activity;
  }
}
