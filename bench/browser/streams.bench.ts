/**
 * Stream applications on the broker in Chromium: the benchmark's worker runs the engine
 * (broker on memory storage, the application's host) and the processing runtime runs in
 * a nested module Web Worker, as the workbench runs it.
 */
import { serveWatchedRequests, withTransfer } from "../../workers/runtime/watched-worker-side";
import { webWorkerLike, workerScopeEndpoint } from "../../workers/runtime/web-worker-like";
import { transferablesOf, type RuntimeRequest } from "../../workers/streams/runtime/protocol";
import { WorkerChannel } from "../../workers/streams/runtime/worker-channel";
import { namedTopologyRuntime, streamsAppBenchmark } from "../shared/streams-app";
import { startRoleWorker, type WorkerRoles } from "./worker-host";

const ROLE = "streams-runtime";

export const roles: WorkerRoles = {
  [ROLE]: () => {
    const runtime = namedTopologyRuntime();
    const scope = self as unknown as Parameters<typeof workerScopeEndpoint>[0];
    serveWatchedRequests(workerScopeEndpoint(scope), (body, progress) => {
      const reply = runtime.handle(body as RuntimeRequest, progress);
      return withTransfer(reply, transferablesOf(reply));
    });
  },
};

export default streamsAppBenchmark(() => ({
  workerLabel: "Web Worker",
  worker: (applicationId) => new WorkerChannel(webWorkerLike(startRoleWorker(ROLE)), { name: applicationId, deadlineMs: 120_000 }),
}));
