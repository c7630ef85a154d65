/**
 * What one message costs between the threads the workbench uses: main thread ↔ broker
 * worker (Comlink calls, events to the UI) and worker ↔ worker over a MessageChannel
 * (streams worker ↔ broker). Sequential round trips, each sent when the previous echo is
 * back; records/s is round trips per second of that ping-pong.
 */
import type { Benchmark, BenchOptions, Row } from "../harness";
import { KiB, latencyNotes, throughputRow } from "../harness";
import { roundTrips, startEchoWorker, workerScope } from "./worker-host";
import type { Endpoint } from "./worker-host";

async function row(name: string, endpoint: Endpoint, count: number, payloadBytes?: number): Promise<Row> {
  const make = () => (payloadBytes === undefined ? undefined : new ArrayBuffer(payloadBytes));
  await roundTrips(endpoint, Math.max(200, count / 10), make());
  const samples = await roundTrips(endpoint, count, make());
  const total = samples.reduce((sum, ms) => sum + ms, 0);
  return throughputRow(name, {
    ms: total,
    records: count,
    notes: latencyNotes(samples),
  });
}

async function run(options: BenchOptions): Promise<Row[]> {
  const count = options.quick ? 2_000 : 10_000;
  const rows: Row[] = [];

  options.progress("main ↔ worker");
  rows.push(await row("round trip main ↔ worker, a number", workerScope(), count));
  rows.push(await row("round trip main ↔ worker, 16 KiB ArrayBuffer transferred", workerScope(), count, 16 * KiB));

  options.progress("worker ↔ worker");
  const echo = startEchoWorker();
  try {
    const channel = new MessageChannel();
    echo.postMessage(null, [channel.port2]);
    rows.push(await row("round trip worker ↔ worker (MessageChannel), a number", channel.port1, count));
    rows.push(await row("round trip worker ↔ worker (MessageChannel), 16 KiB transferred", channel.port1, count, 16 * KiB));
    channel.port1.close();
  } finally {
    echo.terminate();
  }
  return rows;
}

const benchmark: Benchmark = { name: "post-message", run };
export default benchmark;
