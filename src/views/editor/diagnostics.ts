/**
 * The engine's errors, turned into editor markers at the line they are about. Compile
 * errors come as `<applicationId>:<line>:<column>: <message>` lines (a message may run
 * over several lines); a runtime failure carries the line and column its stack maps to
 * in topology.ts.
 */

export interface EditorMarker {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  source: "compile" | "runtime";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Markers from a failed start's message; empty if it names no position. */
export function compileMarkers(applicationId: string, message: string): EditorMarker[] {
  const head = new RegExp(`^(?:.*?\\b)?${escapeRegExp(applicationId)}:(\\d+):(\\d+): ?(.*)$`);
  const out: EditorMarker[] = [];
  for (const raw of message.split("\n")) {
    const m = head.exec(raw);
    if (m) {
      const line = Number(m[1]);
      const column = Number(m[2]);
      out.push({ line, column, endLine: line, endColumn: column + 1, message: m[3]!, source: "compile" });
    } else if (out.length > 0 && raw.trim() !== "") {
      out[out.length - 1]!.message += `\n${raw.trim()}`;
    }
  }
  return out;
}

export interface RuntimeFailure {
  message: string;
  line?: number | undefined;
  column?: number | undefined;
  topic: string | null;
  partition: number;
  offset: number;
}

/** The marker of a runtime failure: at the mapped line, saying which record it was on. */
export function runtimeMarker(f: RuntimeFailure): EditorMarker | null {
  if (f.line === undefined) return null;
  const column = f.column ?? 1;
  const where = f.topic !== null ? ` (while processing ${f.topic}-${f.partition} offset ${f.offset})` : "";
  return { line: f.line, column, endLine: f.line, endColumn: column + 1, message: `${f.message}${where}`, source: "runtime" };
}
