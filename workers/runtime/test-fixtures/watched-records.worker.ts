/**
 * A stand-in for a stream application's worker in the watchdog tests: it "processes" the
 * records of each batch, marking progress per record, and misbehaves on request — a value
 * of "loop" spins forever, "throw" throws, "exit" ends the thread.
 */
import { parentPortEndpoint } from "../node-worker-like";
import { serveWatchedRequests } from "../watched-worker-side";

export interface FixtureRecord {
  topic: string;
  partition: number;
  offset: number;
  value: string;
}

const side = serveWatchedRequests(parentPortEndpoint(), (body, progress) => {
  const { records } = body as { records: FixtureRecord[] };
  let processed = 0;
  records.forEach((record, i) => {
    progress.mark(i);
    if (record.value === "loop") {
      while (true) {
        // A runaway topology: never yields, never answers.
      }
    }
    if (record.value === "throw") throw new Error(`cannot process offset ${record.offset}`);
    if (record.value === "exit") process.exit(3);
    processed++;
  });
  side.emit({ log: `processed ${processed}` });
  return { processed };
});
