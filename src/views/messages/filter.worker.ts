/**
 * Runs the message browser's filters, user JavaScript included, off the page: a slow or
 * endless expression stalls only this worker, which the page terminates and replaces.
 */
import { compileFilter, type FilterRecord, type FilterSpec } from "./record-filter";

export interface FilterRequest {
  id: number;
  spec: FilterSpec;
  records: FilterRecord[];
}

export type FilterResponse = { id: number; matches: number[] } | { id: number; error: string };

let cached: { source: string; test: (r: FilterRecord) => boolean } | undefined;

self.onmessage = (event: MessageEvent<FilterRequest>) => {
  const { id, spec, records } = event.data;
  try {
    const source = JSON.stringify(spec);
    if (cached?.source !== source) cached = { source, test: compileFilter(spec) };
    const matches: number[] = [];
    records.forEach((r, i) => {
      if (cached!.test(r)) matches.push(i);
    });
    self.postMessage({ id, matches } satisfies FilterResponse);
  } catch (e) {
    self.postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies FilterResponse);
  }
};
