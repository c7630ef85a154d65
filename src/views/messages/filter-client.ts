/**
 * The page's side of the filter worker: one request at a time, and a watchdog that
 * terminates the worker (and starts a fresh one) when an expression runs too long.
 */
import type { FilterRecord, FilterSpec } from "./record-filter";
import type { FilterResponse } from "./filter.worker";

export const FILTER_TIMEOUT_MS = 3000;

let worker: Worker | undefined;
let nextId = 1;

function start(): Worker {
  worker ??= new Worker(new URL("./filter.worker.ts", import.meta.url), { type: "module", name: "streamlab-filter" });
  return worker;
}

/** Indices of the records that match `spec`. */
export function filterRecords(spec: FilterSpec, records: FilterRecord[]): Promise<number[]> {
  const w = start();
  const id = nextId++;
  return new Promise<number[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      w.removeEventListener("message", onMessage);
      w.terminate();
      if (worker === w) worker = undefined;
      reject(new Error(`the filter expression ran longer than ${FILTER_TIMEOUT_MS / 1000} s on ${records.length} records and was stopped`));
    }, FILTER_TIMEOUT_MS);
    function onMessage(event: MessageEvent<FilterResponse>) {
      if (event.data.id !== id) return;
      clearTimeout(timer);
      w.removeEventListener("message", onMessage);
      if ("error" in event.data) reject(new Error(event.data.error));
      else resolve(event.data.matches);
    }
    w.addEventListener("message", onMessage);
    w.postMessage({ id, spec, records });
  });
}
