/**
 * An invalid scenario, reported the way SCENARIO.md asks: the message opens with the JSON
 * path of the offending field (`steps[3].produce.topic: no topic "orders"`), so a reader can
 * go straight to it. The runner prints the message alone, never a stack.
 */
export class ScenarioError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path === "" ? detail : `${path}: ${detail}`);
    this.name = "ScenarioError";
  }
}

const PLAIN_KEY = /^[A-Za-z0-9_$.-]+$/;

/**
 * Appends an object key to a path. Kafka names (config keys, topics) contain dots and
 * dashes and read best as written (`topics[0].config.segment.bytes`); only keys that would
 * be ambiguous in a path are quoted (`expect.topics["a b"]`).
 */
export function childPath(path: string, key: string): string {
  if (PLAIN_KEY.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** A short rendering of a bad value for messages: `got "5"`, `got [1,2]`, `got an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
