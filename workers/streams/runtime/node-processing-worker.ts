/**
 * Entry of the processing worker in Node (a worker_threads Worker started through the
 * TypeScript bootstrap): wiring only, the runtime is processing-runtime.ts.
 */
import { parentPortEndpoint } from "../../runtime/node-worker-like";
import { serveWatchedRequests, withTransfer } from "../../runtime/watched-worker-side";
import { nodeLibFiles } from "../user-code/node-lib-files";
import { ProcessingRuntime } from "./processing-runtime";
import { transferablesOf, type RuntimeRequest } from "./protocol";

const runtime = new ProcessingRuntime({ libs: nodeLibFiles });
serveWatchedRequests(parentPortEndpoint(), (body, progress) => {
  const reply = runtime.handle(body as RuntimeRequest, progress);
  return withTransfer(reply, transferablesOf(reply));
});
