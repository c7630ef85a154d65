/**
 * One-offset checkpoint files in a partition directory (`log-start-offset-checkpoint`,
 * `recovery-point-offset-checkpoint`). Kafka keeps one such file per log dir listing every
 * partition; a file per partition directory keeps a partition self-contained (a directory
 * can be downloaded, deleted or restored on its own). Written to a temporary name and
 * renamed, so a crash leaves either the old or the new value, never half of one.
 */
import type { Storage } from "../storage/storage";
import { joinPath } from "./segment-name";

export const LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
export const RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
const TEMP_SUFFIX = ".tmp";
const VERSION = "0";

export function isCheckpointTemp(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX) && (name.startsWith(LOG_START_OFFSET_CHECKPOINT) || name.startsWith(RECOVERY_POINT_CHECKPOINT));
}

/** The offset stored in `dir/name`, or undefined if the file is missing or unreadable. */
export async function readOffsetCheckpoint(storage: Storage, dir: string, name: string): Promise<number | undefined> {
  const path = joinPath(dir, name);
  if (!(await storage.exists(path))) return undefined;
  const file = await storage.open(path);
  let text: string;
  try {
    text = new TextDecoder().decode(file.read(0, file.size()));
  } finally {
    file.close();
  }
  const lines = text.split("\n");
  if (lines[0] !== VERSION || lines[1] === undefined || !/^\d+$/.test(lines[1])) return undefined;
  const offset = Number(lines[1]);
  return Number.isSafeInteger(offset) ? offset : undefined;
}

export async function writeOffsetCheckpoint(storage: Storage, dir: string, name: string, offset: number): Promise<void> {
  const temp = joinPath(dir, name + TEMP_SUFFIX);
  const file = await storage.open(temp, { create: true });
  try {
    const bytes = new TextEncoder().encode(`${VERSION}\n${offset}\n`);
    file.truncate(0);
    file.write(0, bytes);
    file.flush();
  } finally {
    file.close();
  }
  await storage.rename(temp, joinPath(dir, name));
}
