/**
 * A broker on memory storage and virtual time, with a `Kafka` client on it: what the client
 * API's tests start from.
 */
import { Broker, type BrokerConfig } from "../broker/broker";
import { VirtualClock } from "../runtime/clock";
import { VirtualScheduler } from "../runtime/scheduler";
import { VirtualTime } from "../runtime/virtual-time";
import { MemoryStorage } from "../storage/memory-storage";
import type { ClientEvent } from "./client-events";
import { Kafka } from "./kafka";

export const START_TIME = 1_700_000_000_000;

export async function startWorld(config: Partial<BrokerConfig> = {}, clientId = "app") {
  const scheduler = new VirtualScheduler(new VirtualClock(START_TIME));
  const broker = await Broker.start({ storage: new MemoryStorage(), scheduler, config: { offsetsTopicNumPartitions: 3, ...config } });
  const events: ClientEvent[] = [];
  const kafka = new Kafka({ clientId, broker, listener: (e) => events.push(e) });
  const time = new VirtualTime(scheduler, [kafka]);
  return { scheduler, broker, kafka, time, events };
}
