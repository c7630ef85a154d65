/** Stream applications on the broker in Node: the processing runtime in a worker_threads Worker. */
import { nodeWorkerLike, startNodeWorker } from "../../workers/runtime/node-worker-like";
import { WorkerChannel } from "../../workers/streams/runtime/worker-channel";
import { streamsAppBenchmark } from "../shared/streams-app";

const ENTRY = new URL("./streams-runtime-worker.ts", import.meta.url);

export default streamsAppBenchmark(() => ({
  workerLabel: "worker thread",
  worker: (applicationId) => new WorkerChannel(nodeWorkerLike(startNodeWorker(ENTRY, { name: applicationId })), { name: applicationId, deadlineMs: 120_000 }),
}));
