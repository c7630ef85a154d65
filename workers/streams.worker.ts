/**
 * The processing worker in the browser (DESIGN.md seam 6): one module Web Worker per
 * stream application, started by the broker worker. Wiring only: it serves the watchdog's
 * requests with the processing runtime (workers/streams/runtime/processing-runtime.ts),
 * compiling topologies against the bundled lib texts.
 */
import { serveWatchedRequests, withTransfer } from "./runtime/watched-worker-side";
import { workerScopeEndpoint, type DedicatedScope } from "./runtime/web-worker-like";
import { ProcessingRuntime } from "./streams/runtime/processing-runtime";
import { transferablesOf, type RuntimeRequest } from "./streams/runtime/protocol";
import { browserLibFiles } from "./streams/user-code/browser-lib-files";

const runtime = new ProcessingRuntime({ libs: browserLibFiles });
serveWatchedRequests(workerScopeEndpoint(self as unknown as DedicatedScope), (body, progress) => {
  const reply = runtime.handle(body as RuntimeRequest, progress);
  return withTransfer(reply, transferablesOf(reply));
});
