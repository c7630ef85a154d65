/**
 * The consumer role: a worker that fetches from the broker role over a MessagePort the
 * benchmark hands it, the way the streams worker will. It answers the benchmark on its own
 * scope:
 *
 *   { op: "clock", id }                 → its shared-clock reading, to estimate the offset
 *                                          between this worker's clock and the caller's
 *   { op: "follow", id, topic, records } → long-polls from offset 0 and posts
 *                                          { op: "seen", lastOffset, at } as each fetch
 *                                          brings records, until `records` were seen
 *   { op: "readBack", id, topic, repeats } → times reading the topic in 1 MiB fetches
 */
import { timeMedian } from "../harness";
import { countBatches, readBack } from "../shared/broker-load";
import { BrokerClient, sharedNow } from "./broker-wire";
import type { TimedReply } from "./broker-wire";
import type { DedicatedScope } from "./worker-host";

export type ConsumerRequest =
  | { op: "connect" }
  | { op: "clock"; id: number }
  | { op: "follow"; id: number; topic: string; records: number }
  | { op: "readBack"; id: number; topic: string; repeats: number };

export interface SeenMessage {
  op: "seen";
  lastOffset: number;
  /** sharedNow() when the fetch reply arrived. */
  at: number;
}

/** How long one long poll waits for an append before asking again. */
const MAX_WAIT_MS = 500;

export function serveConsumer(scope: DedicatedScope): void {
  let broker: BrokerClient | undefined;
  const reply = (id: number, result: unknown) => scope.postMessage({ id, ok: true, result });
  const fail = (id: number, error: unknown) => scope.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  const connected = () => {
    if (broker === undefined) throw new Error("the consumer has no connection to the broker");
    return broker;
  };

  scope.addEventListener("message", (event) => {
    const request = event.data as ConsumerRequest | null;
    if (request === null || typeof request !== "object") return;
    switch (request.op) {
      case "connect": {
        const port = event.ports[0];
        if (port !== undefined) broker = new BrokerClient(port);
        return;
      }
      case "clock":
        reply(request.id, sharedNow());
        return;
      case "follow":
        follow(connected(), request.topic, request.records, (seen) => scope.postMessage(seen)).then(
          () => reply(request.id, null),
          (e: unknown) => fail(request.id, e),
        );
        return;
      case "readBack": {
        const client = connected();
        let got = { records: 0, bytes: 0, fetches: 0 };
        timeMedian(
          async () => {
            got = await readBack((offset, maxBytes) => client.fetch(request.topic, offset, maxBytes), 0);
          },
          { repeats: request.repeats },
        ).then(
          (ms) => reply(request.id, { ms, records: got.records, bytes: got.bytes, operations: got.fetches } satisfies TimedReply),
          (e: unknown) => fail(request.id, e),
        );
        return;
      }
    }
  });
}

async function follow(broker: BrokerClient, topic: string, records: number, report: (seen: SeenMessage) => void): Promise<void> {
  let offset = 0;
  let seen = 0;
  while (seen < records) {
    const r = await broker.fetch(topic, offset, 1 << 20, MAX_WAIT_MS);
    const at = sharedNow();
    if (r.bytes.length === 0) continue;
    seen += countBatches(r.bytes).records;
    offset = r.nextOffset;
    report({ op: "seen", lastOffset: offset - 1, at });
  }
}
