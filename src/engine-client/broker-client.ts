/**
 * The UI's door to the broker worker: starts `workers/broker.worker.ts` and wraps it with
 * Comlink as a typed `Remote<EngineApi>`. Failures come back from the worker as plain
 * `{ type, message }` objects (structured clone would strip a KafkaError to a bare
 * Error); this client turns them back into KafkaErrors, so the UI can show Kafka's error
 * names and test `error.type`.
 */
import * as Comlink from "comlink";
import type { Remote } from "comlink";
import type { EngineApi, EngineUpdate } from "../../workers/engine/engine-api";
import type { BrokerWorkerApi } from "../../workers/broker.worker";
import type { PartitionAppendResult } from "../../workers/broker/partition";
import { fromSeamError } from "../../workers/protocol/seam-error";

export type {
  CleanableRange,
  CleanerEvent,
  CleanReport,
  ClockState,
  CreateTopicInput,
  GeneratorInput,
  GeneratorKind,
  GeneratorSettings,
  GeneratorStatus,
  PartitionCleanableRange,
  RecordLocation,
  RemovalReason,
  RemovedRecord,
  EngineApi,
  EngineState,
  EngineStatus,
  EngineUpdate,
  JsonRecordInput,
  LogCheck,
  ProduceSummary,
  RecordRange,
  RecordView,
  TopicSummary,
} from "../../workers/engine/engine-api";
export type { PartitionDescription, TopicDescription } from "../../workers/broker/broker";
export type { SegmentInfo } from "../../workers/log/partition-log";
export type { TopicConfigEntry } from "../../workers/protocol/topic-config";
export type { BrokerEvent } from "../../workers/broker/broker-events";
export { KafkaError, isKafkaError } from "../../workers/protocol/errors";

export interface BrokerClient {
  /** Every engine call; rejections are KafkaErrors (or the Error that killed the call). */
  readonly api: Remote<EngineApi>;
  /** Receive one update per frame (clock, state, broker events); resolves to an unsubscribe. */
  onUpdate(callback: (update: EngineUpdate) => void): Promise<() => Promise<void>>;
  /**
   * Append encoded RecordBatch bytes on the fast path. The bytes' whole buffer is
   * transferred to the worker, not copied: the caller must not use it afterwards.
   */
  produceBatch(topic: string, partition: number, bytes: Uint8Array): Promise<PartitionAppendResult>;
  /**
   * A new MessagePort on which the worker serves the client transport (a `ServedTransport`,
   * workers/client/served-transport.ts): one per `Kafka` instance of the page, see
   * kafka-client.ts.
   */
  openClientTransport(): Promise<MessagePort>;
  /** Stop the worker at once, mid-write if it is writing: what a crash does. */
  terminate(): void;
  /** Called once if the worker dies on its own (a load failure or an uncaught error). */
  onWorkerError(callback: (message: string) => void): void;
}

function rebuildingErrors(remote: Remote<EngineApi>): Remote<EngineApi> {
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy({} as Remote<EngineApi>, {
    get(_target, name) {
      if (typeof name !== "string" || name === "then") return undefined;
      let method = methods.get(name);
      if (method === undefined) {
        const call = (remote as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name]!;
        method = (...args: unknown[]) =>
          call(...args).catch((e: unknown) => {
            throw fromSeamError(e);
          });
        methods.set(name, method);
      }
      return method;
    },
  });
}

/** Start the broker worker and resolve once it answers (whatever its state: see `api.status()`). */
export function connectBroker(): Promise<BrokerClient> {
  return brokerClientOf(new Worker(new URL("../../workers/broker.worker.ts", import.meta.url), { type: "module", name: "streamlab-broker" }));
}

/**
 * The client of a worker that exposes a `BrokerWorkerApi` (the broker worker, or a
 * benchmark's stand-in for it); resolves once it answers.
 */
export async function brokerClientOf(worker: Worker): Promise<BrokerClient> {
  const errorListeners: Array<(message: string) => void> = [];
  let failure: string | undefined;
  const loaded = new Promise<never>((_resolve, reject) => {
    worker.addEventListener("error", (event) => {
      failure = event.message || "the broker worker failed to load";
      for (const l of errorListeners) l(failure);
      reject(new Error(failure));
    });
  });
  // Only the race below listens to this promise; later failures go to onWorkerError.
  loaded.catch(() => {});
  const remote = Comlink.wrap<BrokerWorkerApi>(worker);
  const api = rebuildingErrors(remote);
  await Promise.race([api.status(), loaded]);
  return {
    api,
    async onUpdate(callback) {
      const id = await api.subscribe(Comlink.proxy(callback));
      return () => api.unsubscribe(id);
    },
    produceBatch(topic, partition, bytes) {
      return api.produceBatch(topic, partition, Comlink.transfer(bytes, [bytes.buffer]));
    },
    async openClientTransport() {
      const channel = new MessageChannel();
      try {
        await remote.connectClient(Comlink.transfer(channel.port2, [channel.port2]));
      } catch (e) {
        channel.port1.close();
        throw fromSeamError(e);
      }
      return channel.port1;
    },
    terminate() {
      worker.terminate();
    },
    onWorkerError(callback) {
      if (failure !== undefined) callback(failure);
      else errorListeners.push(callback);
    },
  };
}
