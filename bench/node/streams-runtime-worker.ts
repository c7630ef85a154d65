/** The processing worker of the Node streams benchmark: the runtime with the benchmark's topologies, by name. */
import { parentPortEndpoint } from "../../workers/runtime/node-worker-like";
import { serveWatchedRequests, withTransfer } from "../../workers/runtime/watched-worker-side";
import { transferablesOf, type RuntimeRequest } from "../../workers/streams/runtime/protocol";
import { namedTopologyRuntime } from "../shared/streams-app";

const runtime = namedTopologyRuntime();
serveWatchedRequests(parentPortEndpoint(), (body, progress) => {
  const reply = runtime.handle(body as RuntimeRequest, progress);
  return withTransfer(reply, transferablesOf(reply));
});
