/**
 * Reading the source map TypeScript writes for a compiled topology: enough of the Source
 * Map v3 format to turn a position in the generated JavaScript back into the user's line
 * and column. Only `mappings` (Base64 VLQ) and `sources` are needed; names are not used.
 */

/** The JSON TypeScript emits beside the JavaScript (Source Map revision 3). */
export interface SourceMapV3 {
  readonly version: 3;
  /** The generated file's name; the loader uses it as the module's sourceURL. */
  readonly file: string;
  readonly sourceRoot?: string;
  readonly sources: readonly string[];
  readonly names?: readonly string[];
  readonly mappings: string;
}

/** A position in an original source, 1-based like an editor's. */
export interface OriginalPosition {
  readonly source: string;
  readonly line: number;
  readonly column: number;
}

/** One mapping segment: a generated column and, when present, where it came from (0-based). */
interface Segment {
  readonly generatedColumn: number;
  readonly source: number;
  readonly line: number;
  readonly column: number;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Map([...BASE64].map((c, i) => [c, i]));

/**
 * Decodes one segment's fields. Each field is a Base64 VLQ: 5 value bits per digit, bit 6
 * set while more digits follow, least significant group first, and the lowest bit of the
 * whole number is the sign.
 */
function decodeFields(text: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64_VALUE.get(char);
    if (digit === undefined) throw new Error(`source map: '${char}' is not a Base64 digit in segment "${text}"`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new Error(`source map: segment "${text}" ends inside a number`);
  return fields;
}

/**
 * Decodes `mappings` into segments per generated line (index 0 = line 1), each line's
 * segments sorted by generated column. Source index, original line and original column
 * are deltas carried across lines; the generated column restarts on every line.
 */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let line = 0;
  let column = 0;
  for (const lineText of mappings.split(";")) {
    const segments: Segment[] = [];
    let generatedColumn = 0;
    for (const segmentText of lineText.split(",")) {
      if (segmentText === "") continue;
      const fields = decodeFields(segmentText);
      generatedColumn += fields[0] ?? 0;
      // A one-field segment maps generated code to nothing (no original position).
      if (fields.length < 4) continue;
      source += fields[1] ?? 0;
      line += fields[2] ?? 0;
      column += fields[3] ?? 0;
      segments.push({ generatedColumn, source, line, column });
    }
    segments.sort((a, b) => a.generatedColumn - b.generatedColumn);
    lines.push(segments);
  }
  return lines;
}

const decoded = new WeakMap<SourceMapV3, Segment[][]>();

/**
 * Where generated `line`:`column` (1-based) came from: the last mapped segment at or
 * before that column on the line, or the line's first segment when the position lies
 * before all of them (V8 reports some throws at the statement's indentation). Undefined
 * for lines that hold only generated code (the CommonJS preamble).
 */
export function originalPositionFor(map: SourceMapV3, line: number, column: number): OriginalPosition | undefined {
  let lines = decoded.get(map);
  if (!lines) {
    lines = decodeMappings(map.mappings);
    decoded.set(map, lines);
  }
  const segments = lines[line - 1];
  if (!segments || segments.length === 0) return undefined;
  let found = segments[0];
  for (const segment of segments) {
    if (segment.generatedColumn > column - 1) break;
    found = segment;
  }
  if (!found) return undefined;
  const source = map.sources[found.source];
  if (source === undefined) return undefined;
  return { source, line: found.line + 1, column: found.column + 1 };
}
