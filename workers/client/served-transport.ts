/**
 * The {@link ClientTransport} as the broker worker serves it to clients on other threads
 * (the page's `Kafka` instances), one per MessagePort:
 *
 *   // broker worker:  Comlink.expose(servedTransport(() => api.currentBroker(), Comlink.transfer), port)
 *   // page:           errorRebuildingTransport(Comlink.wrap<ServedTransport>(port))
 *
 * It is an `InProcessTransport` behind `seamSafeTransport` (failures cross as `{ type,
 * message }`), with two additions for the seam:
 *
 * - A fetch answer carries all its partitions' records in one fresh ArrayBuffer that is
 *   transferred, not cloned: one copy on the broker's side, none on the way, whatever the
 *   number of partitions. A fresh buffer because the bytes the log hands out may be shared
 *   (an empty read is one constant) and a transferred buffer is gone from the sender.
 * - `idle()`: resolves once the requests this connection made have finished in the worker.
 *   Its answer comes back on the same port after every answer sent before it, so a page
 *   driving virtual time uses it as a barrier ("nothing of mine is still under way there").
 */
import { toSeamError } from "../protocol/seam-error";
import type { ClientTransport, FetchPartitionResponse, FetchResponse } from "./client-transport";
import { InProcessTransport, type BrokerSource } from "./in-process-transport";
import { seamSafeTransport } from "./seam-transport";

/** Marks buffers of `value` to be moved with it when it is posted (`Comlink.transfer`). */
export type MarkTransfer = <T>(value: T, buffers: ArrayBuffer[]) => T;

export interface ServedTransport extends ClientTransport {
  /** Resolves once every request of this connection has finished in the worker (parked fetches and joins excepted). */
  idle(): Promise<void>;
}

export function servedTransport(broker: BrokerSource, markTransfer: MarkTransfer): ServedTransport {
  const inner = new InProcessTransport(broker);
  const safe = seamSafeTransport(inner);
  return {
    ...safe,
    fetch: async (request) => {
      const response = await safe.fetch(request);
      const packed = packRecords(response);
      return packed.buffer === null ? packed.response : markTransfer(packed.response, [packed.buffer]);
    },
    idle: async () => {
      try {
        await inner.idle();
      } catch (e) {
        throw toSeamError(e);
      }
    },
  };
}

/**
 * The same answer with every partition's records copied into one new buffer (null when no
 * partition has records: nothing to move).
 */
export function packRecords(response: FetchResponse): { response: FetchResponse; buffer: ArrayBuffer | null } {
  let total = 0;
  for (const p of response.partitions) total += p.records.byteLength;
  if (total === 0) return { response, buffer: null };
  const buffer = new ArrayBuffer(total);
  const all = new Uint8Array(buffer);
  let at = 0;
  const partitions: FetchPartitionResponse[] = response.partitions.map((p) => {
    if (p.records.byteLength === 0) return p;
    all.set(p.records, at);
    const records = all.subarray(at, at + p.records.byteLength);
    at += p.records.byteLength;
    return { ...p, records };
  });
  return { response: { partitions }, buffer };
}
