/**
 * The KafkaJS-shaped client (workers/client) on the page, against the broker worker:
 *
 *   const client = await connectBroker();
 *   const kafka = await createBrowserKafka(client, { clientId: "shop" });
 *   const consumer = kafka.consumer({ groupId: "billing" });   // as many as you like
 *   …
 *   const time = await pageClientTime(client);
 *   await time.advance(10_000);    // or let the workbench's clock play
 *
 * Each `Kafka` gets a MessagePort of its own on which the worker serves the client transport
 * (workers/client/served-transport.ts): requests are structured-cloned plain data, a fetch
 * answer is one transferred buffer, and KafkaErrors keep their names both ways. The client
 * library itself runs here, on the page; only the broker, the group coordinator and the
 * logs are in the worker.
 *
 * Time: the clients' timers (heartbeats, the consumers' waits, linger) run on one
 * `FollowingScheduler` per broker client that follows the engine's virtual clock from the
 * per-frame updates, so they fire as the workbench plays, pauses or steps the clock. A
 * single big step of the engine's clock gives the page no chance to heartbeat in between
 * (a 30-s step evicts every member whose session is shorter); `pageClientTime(client)`
 * steps the engine's clock from one due moment of the page's timers to the next and lets
 * each moment settle, as `VirtualTime` does in one thread.
 */
import * as Comlink from "comlink";
import { errorRebuildingTransport, FollowingScheduler, Kafka, RemoteVirtualTime, type KafkaConfig, type Participant, type ServedTransport } from "../../workers/client";
import type { BrokerClient } from "./broker-client";

export type { Kafka, KafkaConfig } from "../../workers/client";
export type { RemoteVirtualTime } from "../../workers/client";

/** `new Kafka(…)`'s options, less what the page supplies: the transport and the scheduler. */
export type BrowserKafkaConfig = Omit<KafkaConfig, "broker" | "transport" | "scheduler">;

interface PageClock {
  scheduler: FollowingScheduler;
  time: RemoteVirtualTime;
}

const clocks = new WeakMap<BrokerClient, Promise<PageClock>>();

function pageClock(client: BrokerClient): Promise<PageClock> {
  let clock = clocks.get(client);
  if (!clock) {
    clock = startPageClock(client);
    clocks.set(client, clock);
    // A failed start (the broker not ready yet) is not kept: the next call tries again.
    clock.catch(() => clocks.delete(client));
  }
  return clock;
}

async function startPageClock(client: BrokerClient): Promise<PageClock> {
  const scheduler = new FollowingScheduler(await client.api.now());
  await client.onUpdate((update) => {
    if (update.clock) scheduler.follow(update.clock.now);
  });
  const time = new RemoteVirtualTime(scheduler, {
    now: () => client.api.now(),
    step: async (ms) => (await client.api.step(ms)).now,
  });
  return { scheduler, time };
}

/**
 * A `Kafka` on the page whose clients reach the broker worker of `client`. Many may exist,
 * each with many consumers; all share the page's clock (see {@link pageClientTime}).
 */
export async function createBrowserKafka(client: BrokerClient, config: BrowserKafkaConfig = {}): Promise<Kafka> {
  const clock = await pageClock(client);
  const port = await client.openClientTransport();
  const remote = Comlink.wrap<ServedTransport>(port);
  const transport = errorRebuildingTransport(remote as unknown as ServedTransport);
  const kafka = new Kafka({ ...config, transport, scheduler: clock.scheduler });
  clock.time.add(kafka);
  // A barrier on this connection: the worker has finished what this Kafka asked of it.
  const worker: Participant = { idle: () => remote.idle().catch(() => undefined) };
  clock.time.add(worker);
  return kafka;
}

/**
 * The page's clients' time: `advance(ms)`, `until(cond)`, `settle()` drive the engine's
 * clock (pause it first for exact moments) with every `Kafka` of this client taking part.
 */
export async function pageClientTime(client: BrokerClient): Promise<RemoteVirtualTime> {
  return (await pageClock(client)).time;
}
