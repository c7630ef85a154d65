/**
 * EXTRACTJSONFIELD: a value out of a JSON string by a JSONPath of `$`, `.name`, `['name']`
 * and `[index]` steps. Text comes back unquoted, anything else as its JSON text; a path
 * that does not exist gives NULL.
 */
import { KsqlFunctionException } from "../errors";
import { SqlTypes } from "../types";
import { scalar } from "./registry";

function invalidPath(path: string): KsqlFunctionException {
  return new KsqlFunctionException(`Invalid JSON path: '${path}'`);
}

const isLetterOrDigit = (c: string) => /[\p{L}\p{Nd}]/u.test(c);
const unquotedSubscriptChar = (c: string) => c === "_" || isLetterOrDigit(c);
const unquotedPathChar = (c: string) => c === ":" || c === "@" || unquotedSubscriptChar(c);

/** Splits `$.a['b'][0]` into its steps: ["a", "b", "0"]. */
export function jsonPathTokens(path: string): string[] {
  if (path.length === 0 || path[0] !== "$") throw invalidPath(path);
  const tokens: string[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i]!;
    if (c === ".") {
      const start = ++i;
      while (i < path.length && unquotedPathChar(path[i]!)) i++;
      if (i === start) throw invalidPath(path);
      tokens.push(path.slice(start, i));
    } else if (c === "[") {
      i++;
      let token = "";
      if (path[i] === '"') {
        i++;
        let closed = false;
        while (i < path.length) {
          const ch = path[i]!;
          if (ch === "\\") {
            const next = path[i + 1];
            if (next !== '"' && next !== "\\") throw invalidPath(path);
            token += next;
            i += 2;
          } else if (ch === '"') {
            closed = true;
            i++;
            break;
          } else {
            token += ch;
            i++;
          }
        }
        if (!closed) throw invalidPath(path);
      } else {
        const start = i;
        while (i < path.length && unquotedSubscriptChar(path[i]!)) i++;
        if (i === start) throw invalidPath(path);
        token = path.slice(start, i);
      }
      if (path[i] !== "]") throw invalidPath(path);
      i++;
      tokens.push(token);
    } else {
      throw invalidPath(path);
    }
  }
  return tokens;
}

let lastPath: string | undefined;
let lastTokens: string[] = [];

export function extractJsonField(json: string, path: string): string | null {
  if (path !== lastPath) {
    lastTokens = jsonPathTokens(path);
    lastPath = path;
  }
  let node: unknown;
  try {
    node = JSON.parse(json);
  } catch (e) {
    throw new KsqlFunctionException(`Invalid JSON format:${json}. ${(e as Error).message}`);
  }
  for (const token of lastTokens) {
    if (Array.isArray(node)) {
      if (!/^-?\d+$/.test(token)) return null;
      node = node[Number(token)];
    } else if (node !== null && typeof node === "object") {
      node = Object.prototype.hasOwnProperty.call(node, token) ? (node as Record<string, unknown>)[token] : undefined;
    } else {
      node = undefined;
    }
    if (node === undefined) return null;
  }
  return typeof node === "string" ? node : JSON.stringify(node);
}

export const EXTRACTJSONFIELD = scalar("EXTRACTJSONFIELD", "The value at a JSONPath in a JSON string, NULL if absent.", {
  params: ["STRING", "STRING"],
  returns: SqlTypes.STRING,
  impl: ([json, path]) => (json === null || path === null ? null : extractJsonField(json as string, path as string)),
});
