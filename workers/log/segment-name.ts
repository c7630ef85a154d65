/**
 * File names of a partition directory, as Kafka writes them: every file of a segment is
 * named by the segment's base offset in 20 zero-padded digits, so a directory listing sorts
 * in offset order and a downloaded segment is recognisable by Kafka's own tools.
 */

export type SegmentFileKind = "log" | "index" | "timeindex" | "txnindex" | "snapshot";
/** Kafka's temporary suffixes: compaction output (`cleaned`, `swap`), scheduled removal (`deleted`). */
export type SegmentFileSuffix = "cleaned" | "swap" | "deleted";

const OFFSET_DIGITS = 20;
const NAME = /^(\d{20})\.(log|index|timeindex|txnindex|snapshot)(?:\.(cleaned|swap|deleted))?$/;

/** `368769` -> `00000000000000368769`. */
export function offsetFileStem(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`segment base offset ${offset} must be a non-negative safe integer`);
  return String(offset).padStart(OFFSET_DIGITS, "0");
}

/** `segmentFileName(368769, "log")` -> `00000000000000368769.log`. */
export function segmentFileName(baseOffset: number, kind: SegmentFileKind, suffix?: SegmentFileSuffix): string {
  return `${offsetFileStem(baseOffset)}.${kind}${suffix === undefined ? "" : `.${suffix}`}`;
}

export interface ParsedSegmentFileName {
  baseOffset: number;
  kind: SegmentFileKind;
  suffix: SegmentFileSuffix | undefined;
}

/** The parts of a segment file name, or undefined for any other file in the directory. */
export function parseSegmentFileName(name: string): ParsedSegmentFileName | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  const baseOffset = Number(m[1]);
  if (!Number.isSafeInteger(baseOffset)) return undefined;
  return { baseOffset, kind: m[2] as SegmentFileKind, suffix: m[3] as SegmentFileSuffix | undefined };
}

export function joinPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}
