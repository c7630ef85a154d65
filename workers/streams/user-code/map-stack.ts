/**
 * Stacks of errors raised in user code, told in the user's terms: frames inside the loaded
 * topology module become `topology.ts:<line>:<column>`; engine frames are left out, as the
 * user cannot act on them.
 */
import { USER_SOURCE_NAME } from "./compiled-topology";
import { originalPositionFor, type SourceMapV3 } from "./source-map";

/** A frame in the user's source, 1-based. */
export interface UserFrame {
  /** The function's name when the engine knows one the user wrote. */
  readonly functionName: string | undefined;
  readonly line: number;
  readonly column: number;
}

export interface MappedError {
  /** `Name: message` of an Error, or the thrown value as text. */
  readonly message: string;
  /** Innermost first. */
  readonly frames: readonly UserFrame[];
  /** `message` and its user frames (`    at …`), then each cause's, after `Caused by: `. */
  readonly stack: string;
}

/**
 * The line on which each loaded module's generated line 1 appears in stack frames. A
 * `new Function` body starts a few lines into the source the engine builds around it (two
 * in V8); the loader measures it for each module it loads and records it here.
 */
const firstLineInFrames = new Map<string, number>();
// V8 puts a `new Function` body on line 3; the loader's probe line comes before the code.
const V8_FIRST_LINE = 4;

export function recordFirstLine(moduleUrl: string, frameLine: number): void {
  firstLineInFrames.set(moduleUrl, frameLine);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Names engines give code that has no name of its own in the user's source.
const ANONYMOUS = new Set(["eval", "anonymous", "<anonymous>", "Object.<anonymous>"]);

function functionNameOf(framePrefix: string): string | undefined {
  // V8: "    at name (url:l:c)" / "    at url:l:c"; SpiderMonkey and JavaScriptCore: "name@url:l:c".
  const v8 = /^\s*at\s+(?:async\s+)?(?:new\s+)?(.*?)\s*\($/.exec(framePrefix);
  const other = /^([^@\s]*)@$/.exec(framePrefix);
  let name = v8?.[1] ?? other?.[1];
  if (!name) return undefined;
  name = name.replace(/^exports\.default$/, "default export").replace(/^Object\./, "");
  return ANONYMOUS.has(name) ? undefined : name;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.startsWith(`${error.name}: `) ? error.message : `${error.name}: ${error.message}`;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function userFrames(error: unknown, sourceMap: SourceMapV3): UserFrame[] {
  const stack = error instanceof Error && typeof error.stack === "string" ? error.stack : "";
  const firstLine = firstLineInFrames.get(sourceMap.file) ?? V8_FIRST_LINE;
  const pattern = new RegExp(`^(.*?)${escapeRegExp(sourceMap.file)}:(\\d+):(\\d+)\\)?\\s*$`);
  const frames: UserFrame[] = [];
  for (const line of stack.split("\n")) {
    const match = pattern.exec(line);
    if (!match) continue;
    const generatedLine = Number(match[2]) - firstLine + 1;
    const original = originalPositionFor(sourceMap, generatedLine, Number(match[3]));
    if (!original) continue;
    frames.push({ functionName: functionNameOf(match[1] ?? ""), line: original.line, column: original.column });
  }
  return frames;
}

function frameLines(frames: readonly UserFrame[]): string[] {
  return frames.map((f) =>
    f.functionName ? `    at ${f.functionName} (${USER_SOURCE_NAME}:${f.line}:${f.column})` : `    at ${USER_SOURCE_NAME}:${f.line}:${f.column}`,
  );
}

/**
 * Maps the frames of `error` that lie in the module `sourceMap` describes (its `file` is
 * the module's sourceURL) to topology.ts positions. The engine wraps a failure in a
 * record's processing (StreamsException naming topic, partition and offset) with the
 * user's error as its `cause`: causes are followed, Java-style, and `frames` are those of
 * the innermost error that has user frames, where the user's code threw.
 */
export function mapStack(error: unknown, sourceMap: SourceMapV3): MappedError {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && chain.length < 8 && !chain.includes(e); ) {
    chain.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  let frames: UserFrame[] = [];
  const lines: string[] = [];
  chain.forEach((e, i) => {
    const own = userFrames(e, sourceMap);
    if (own.length > 0) frames = own;
    lines.push(`${i === 0 ? "" : "Caused by: "}${messageOf(e)}`, ...frameLines(own));
  });
  return { message: messageOf(error), frames, stack: lines.join("\n") };
}

/**
 * One line for an error raised while building or running a topology, in the form of a
 * compile diagnostic when the error came from user code: `<applicationId>:<line>:<column>:
 * <message>` at the innermost user frame, else `<applicationId>: <message>`.
 */
export function formatUserError(applicationId: string, error: unknown, sourceMap: SourceMapV3): string {
  const mapped = mapStack(error, sourceMap);
  const top = mapped.frames[0];
  return top ? `${applicationId}:${top.line}:${top.column}: ${mapped.message}` : `${applicationId}: ${mapped.message}`;
}
