/**
 * A minimal application worker for the end-to-end tests of user code: it compiles and
 * loads a topology sent by the host, runs records through it on the DSL's test driver and
 * answers in the user's terms (diagnostics and errors as `<app>:<line>:<column>: …`).
 */
import { parentPortEndpoint } from "../../../runtime/node-worker-like";
import { serveWatchedRequests } from "../../../runtime/watched-worker-side";
import * as dsl from "../../index";
import { compileTopology, type CompiledTopology } from "../compile";
import { errorsOf, formatDiagnostic } from "../diagnostic";
import { nodeLibFiles } from "../node-lib-files";
import { loadTopologyFactory } from "../load";
import { formatUserError, mapStack } from "../map-stack";

export type AppRequest =
  | { start: { applicationId: string; source: string } }
  | { process: { topic: string; output: string; records: { key: string; value: string; timestamp: number }[] } };

export type AppReply =
  | { started: true }
  | { diagnostics: string[] }
  | { output: unknown[] }
  | { error: string; stack: string };

let app: { compiled: CompiledTopology; driver: dsl.TopologyTestDriver } | undefined;

serveWatchedRequests(parentPortEndpoint(), (body, progress): AppReply => {
  const request = body as AppRequest;
  if ("start" in request) {
    const { applicationId, source } = request.start;
    const compiled = compileTopology(applicationId, source, nodeLibFiles());
    const errors = errorsOf(compiled.diagnostics);
    if (errors.length > 0) return { diagnostics: errors.map(formatDiagnostic) };
    const builder = new dsl.StreamsBuilder();
    try {
      loadTopologyFactory(compiled, dsl)(builder);
    } catch (e) {
      return { error: formatUserError(applicationId, e, compiled.sourceMap), stack: mapStack(e, compiled.sourceMap).stack };
    }
    app = { compiled, driver: new dsl.TopologyTestDriver(builder.build(), { applicationId }) };
    return { started: true };
  }
  if (!app) throw new Error("no topology started");
  const { compiled, driver } = app;
  const { topic, output, records } = request.process;
  const input = driver.createInputTopic<string, string>(topic);
  try {
    records.forEach((r, i) => {
      progress.mark(i);
      input.pipeInput(r.key, r.value, r.timestamp);
    });
  } catch (e) {
    return { error: formatUserError(compiled.applicationId, e, compiled.sourceMap), stack: mapStack(e, compiled.sourceMap).stack };
  }
  return { output: driver.createOutputTopic(output).readValuesToList() };
});
