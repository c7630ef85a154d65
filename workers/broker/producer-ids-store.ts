/**
 * Producer ids must never be handed out twice: a reused id would collide with the
 * sequence numbers its predecessor left in the logs. The allocator's state is kept in a
 * small file, written atomically; when the file is missing the next id starts above every
 * id found in the logs.
 */
import type { Storage } from "../storage/storage";
import { ProducerIdManager, type ProducerIdsSnapshot } from "./producer-ids";

export const PRODUCER_IDS_FILE = "streamlab-producer-ids.json";

export async function loadProducerIds(storage: Storage, atLeast: number): Promise<ProducerIdManager> {
  if (!(await storage.exists(PRODUCER_IDS_FILE))) return new ProducerIdManager({ firstProducerId: Math.max(0, atLeast) });
  const file = await storage.open(PRODUCER_IDS_FILE);
  let snapshot: ProducerIdsSnapshot;
  try {
    snapshot = JSON.parse(new TextDecoder().decode(file.read(0, file.size()))) as ProducerIdsSnapshot;
  } finally {
    file.close();
  }
  snapshot = { ...snapshot, nextProducerId: Math.max(snapshot.nextProducerId, atLeast) };
  return ProducerIdManager.restore(snapshot);
}

export async function saveProducerIds(storage: Storage, ids: ProducerIdManager): Promise<void> {
  const tmp = `${PRODUCER_IDS_FILE}.tmp`;
  const file = await storage.open(tmp, { create: true });
  try {
    file.truncate(0);
    file.write(0, new TextEncoder().encode(JSON.stringify(ids.snapshot())));
    file.flush();
  } finally {
    file.close();
  }
  await storage.rename(tmp, PRODUCER_IDS_FILE);
}
