/**
 * A minimal describe/it/expect for suites written against `ConformanceTestApi`, so they can
 * run where Vitest cannot: inside a dedicated worker in Chromium. `collectCases` records
 * the cases a suite defines without running them; the spec uses it in Node to know which
 * cases the worker must report, and the worker uses it to get the cases it then runs.
 */
import type { ConformanceExpectation, ConformanceTestApi } from "../../workers/storage/storage-conformance";

export interface SuiteCase {
  /** Enclosing describe names and the case name, joined by " > ". */
  name: string;
  body: () => Promise<void>;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  error?: string;
  ms: number;
}

function show(value: unknown): string {
  let text: string;
  try {
    text = value instanceof Uint8Array ? `Uint8Array[${Array.from(value).join(",")}]` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

/** Structural equality over what the suites compare: primitives, arrays, typed arrays, plain objects. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
    return a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function expectThat(actual: unknown): ConformanceExpectation {
  return {
    toBe(expected) {
      if (!Object.is(actual, expected)) throw new Error(`expected ${show(actual)} to be ${show(expected)}`);
    },
    toEqual(expected) {
      if (!deepEqual(actual, expected)) throw new Error(`expected ${show(actual)} to equal ${show(expected)}`);
    },
    toContain(expected) {
      if (typeof actual !== "string" || !actual.includes(expected)) throw new Error(`expected ${show(actual)} to contain ${show(expected)}`);
    },
  };
}

export function collectCases(define: (api: ConformanceTestApi) => void): SuiteCase[] {
  const cases: SuiteCase[] = [];
  const scope: string[] = [];
  define({
    describe(name, body) {
      scope.push(name);
      try {
        body();
      } finally {
        scope.pop();
      }
    },
    it(name, body) {
      cases.push({ name: [...scope, name].join(" > "), body });
    },
    expect: expectThat,
  });
  return cases;
}

/** The message and where it was thrown (a few frames: the suite's line is among the first). */
function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const headline = `${e.name}: ${e.message}`;
  const frames = (e.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return [headline, ...frames.slice(0, 4)].join("\n");
}

/** Runs the cases one after another (they share one origin's file system), never stopping early. */
export async function runCases(cases: readonly SuiteCase[], now: () => number): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const start = now();
    try {
      await c.body();
      results.push({ name: c.name, passed: true, ms: now() - start });
    } catch (e) {
      results.push({ name: c.name, passed: false, error: describeError(e), ms: now() - start });
    }
  }
  return results;
}
