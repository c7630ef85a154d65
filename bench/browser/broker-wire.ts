/**
 * The messages between the broker benchmark's threads: requests to the broker role worker
 * (bench/browser/broker-role.ts) and a small client that numbers them and matches the
 * replies. Data travels as transferred ArrayBuffers, one message per produce request or
 * fetch, as DESIGN.md asks of the real data paths.
 */
import type { RawConfig } from "../../workers/protocol/config-def";
import type { StorageTimes } from "../shared/timed-storage";
import type { Endpoint } from "./worker-host";

/** Where in-worker timings run: the broker on OPFS, or a second broker on MemoryStorage beside it. */
export type LocalStorageKind = "opfs" | "memory";

export type BrokerRequest =
  | { op: "start"; id: number; root: string }
  /** `on: "memory"` addresses a second broker on MemoryStorage in the same worker (no storage calls). */
  | { op: "createTopic"; id: number; topic: string; config?: RawConfig; on?: LocalStorageKind }
  | { op: "deleteTopic"; id: number; topic: string; on?: LocalStorageKind }
  /**
   * `coalesce`: the worker holds the request until the messages already queued behind it
   * have arrived and appends them all as one request (one flush), then acks each.
   */
  | { op: "produce"; id: number; topic: string; buffer: ArrayBuffer; on?: LocalStorageKind; coalesce?: boolean }
  /** How long this thread spent on the produce requests since the last call, and resets. */
  | { op: "produceStats"; id: number }
  | { op: "fetch"; id: number; topic: string; offset: number; maxBytes: number; maxWaitMs: number }
  /** Time a windowed produce inside the broker worker, without messages: the engine's share. */
  | { op: "produceLocal"; id: number; storage: LocalStorageKind; pool: ArrayBuffer[]; requests: number; window: number; repeats: number }
  /** Time validateBatch over the pool's batches: the CRC and header check the append path runs. */
  | { op: "validateLocal"; id: number; pool: ArrayBuffer[]; rounds: number }
  /** Time reading a topic back in 1 MiB fetches inside the broker worker. */
  | { op: "readBackLocal"; id: number; topic: string; repeats: number }
  /** Fill a compacted topic and time one forced cleaning pass, inside the broker worker. */
  | { op: "compactLocal"; id: number; records: number; keys: number }
  /** Shut the broker down and remove its OPFS directory. */
  | { op: "stop"; id: number };

/** What the broker answers a fetch: the batches, transferred, as a view into `buffer`. */
export interface FetchReply {
  buffer: ArrayBuffer | null;
  byteOffset: number;
  byteLength: number;
  nextOffset: number;
  highWatermark: number;
}

export interface ProduceReply {
  baseOffset: number;
  lastOffset: number;
  /** The request's buffer, back for reuse. */
  buffer: ArrayBuffer;
}

export interface ProduceStats {
  /** Summed time from each produce message arriving to its ack being posted. */
  busyMs: number;
  requests: number;
  /** From the first request's arrival to the last ack. */
  spanMs: number;
  /** Time in the OPFS files' calls over the same requests. */
  storage: StorageTimes;
}

export interface TimedReply {
  ms: number;
  records: number;
  bytes: number;
  /** Fetches for a read-back, requests for a produce, batches for validation. */
  operations: number;
  /** The pool, back for reuse. */
  pool?: ArrayBuffer[];
}

export interface CompactReply {
  ms: number;
  records: number;
  keys: number;
  segments: number;
  bytes: number;
  left: number;
}

export type BrokerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** A request as the caller writes it: the client adds the id. */
export type Call<Request> = Request extends unknown ? Omit<Request, "id"> : never;

/** Numbers requests on one endpoint and resolves each with its reply ({ id, ok, result | error }). */
export class RpcClient<Request extends { op: string }> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(protected readonly endpoint: Endpoint) {
    endpoint.addEventListener("message", (event) => {
      const reply = event.data as BrokerReply | null;
      if (reply === null || typeof reply !== "object" || typeof reply.id !== "number" || !("ok" in reply)) return;
      const pending = this.waiting.get(reply.id);
      if (pending === undefined) return;
      this.waiting.delete(reply.id);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
    });
    endpoint.start?.();
  }

  call<T>(request: Call<Request>, transfer: Transferable[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.endpoint.postMessage({ ...request, id }, transfer);
    });
  }
}

export class BrokerClient extends RpcClient<BrokerRequest> {
  produce(topic: string, buffer: ArrayBuffer, how: { on?: LocalStorageKind; coalesce?: boolean } = {}): Promise<ProduceReply> {
    return this.call<ProduceReply>({ op: "produce", topic, buffer, on: how.on ?? "opfs", coalesce: how.coalesce === true }, [buffer]);
  }

  async fetch(topic: string, offset: number, maxBytes: number, maxWaitMs = 0): Promise<{ bytes: Uint8Array; nextOffset: number; highWatermark: number }> {
    const r = await this.call<FetchReply>({ op: "fetch", topic, offset, maxBytes, maxWaitMs });
    const bytes = r.buffer === null ? new Uint8Array(0) : new Uint8Array(r.buffer, r.byteOffset, r.byteLength);
    return { bytes, nextOffset: r.nextOffset, highWatermark: r.highWatermark };
  }
}

/** `performance.now()` on a clock every thread of the page shares (each worker's own starts at its creation). */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}
