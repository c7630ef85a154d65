/**
 * Where compaction of a partition stopped: its first dirty offset, persisted so a restart
 * does not recompact the whole log. Kafka keeps one `cleaner-offset-checkpoint` per log
 * directory listing every partition; streamlab keeps one per partition directory, in the
 * same text format (version, entry count, then `topic partition offset` lines), so the
 * file reads as Kafka's would with a single entry.
 *
 * Written to a temporary name and renamed over the old file, so a crash leaves either the
 * old checkpoint or the new one, never a torn file.
 */
import { KafkaError } from "../protocol/errors";
import type { Storage } from "../storage/storage";

export const CLEANER_CHECKPOINT_FILE = "cleaner-offset-checkpoint";
const VERSION = 0;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `orders-3` -> { topic: "orders", partition: 3 }; topic names may themselves contain '-'. */
function topicPartitionOf(dir: string): { topic: string; partition: number } {
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  const dash = name.lastIndexOf("-");
  const partition = Number(name.slice(dash + 1));
  if (dash <= 0 || !Number.isSafeInteger(partition) || partition < 0) {
    throw new KafkaError("INVALID_REQUEST", `partition directory "${dir}" is not named <topic>-<partition>`);
  }
  return { topic: name.slice(0, dash), partition };
}

export class CleanerCheckpoint {
  readonly path: string;
  private readonly topic: string;
  private readonly partition: number;
  private cached: number | undefined;
  private loaded = false;

  constructor(
    private readonly storage: Storage,
    partitionDir: string,
  ) {
    this.path = partitionDir === "" ? CLEANER_CHECKPOINT_FILE : `${partitionDir}/${CLEANER_CHECKPOINT_FILE}`;
    const tp = topicPartitionOf(partitionDir);
    this.topic = tp.topic;
    this.partition = tp.partition;
  }

  /** The stored first dirty offset, or undefined when this partition was never cleaned. */
  async read(): Promise<number | undefined> {
    if (this.loaded) return this.cached;
    if (!(await this.storage.exists(this.path))) {
      this.loaded = true;
      this.cached = undefined;
      return undefined;
    }
    const file = await this.storage.open(this.path);
    let text: string;
    try {
      text = decoder.decode(file.read(0, file.size()));
    } finally {
      file.close();
    }
    this.cached = this.parse(text);
    this.loaded = true;
    return this.cached;
  }

  /** Persist `firstDirtyOffset` as where the next cleaning pass starts. */
  async write(firstDirtyOffset: number): Promise<void> {
    if (!Number.isSafeInteger(firstDirtyOffset) || firstDirtyOffset < 0) {
      throw new KafkaError("INVALID_REQUEST", `cleaner checkpoint of ${this.topic}-${this.partition} must be a non-negative offset, got ${firstDirtyOffset}`);
    }
    const tmp = `${this.path}.tmp`;
    const bytes = encoder.encode(`${VERSION}\n1\n${this.topic} ${this.partition} ${firstDirtyOffset}\n`);
    await this.storage.remove(tmp);
    const file = await this.storage.open(tmp, { create: true });
    try {
      file.write(0, bytes);
      file.flush();
    } finally {
      file.close();
    }
    await this.storage.rename(tmp, this.path);
    this.cached = firstDirtyOffset;
    this.loaded = true;
  }

  /**
   * The log was truncated to `offset` (a follower catching up with a new leader, or a torn
   * tail): data at and above it will be written again and must count as dirty, so a
   * checkpoint beyond it comes back down (Kafka's `maybeTruncateCheckpoint`).
   */
  async truncateTo(offset: number): Promise<void> {
    const current = await this.read();
    if (current !== undefined && current > offset) await this.write(offset);
  }

  /** Forget the checkpoint (the partition's log was deleted or truncated to empty). */
  async clear(): Promise<void> {
    await this.storage.remove(this.path);
    this.cached = undefined;
    this.loaded = true;
  }

  private parse(text: string): number | undefined {
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    const corrupt = (why: string) =>
      new KafkaError("KAFKA_STORAGE_ERROR", `cleaner checkpoint ${this.path} of ${this.topic}-${this.partition} is malformed: ${why}`);
    if (lines[0]?.trim() !== String(VERSION)) throw corrupt(`unsupported version "${lines[0] ?? ""}"`);
    const count = Number(lines[1]);
    if (!Number.isSafeInteger(count) || count < 0 || lines.length !== 2 + count) throw corrupt(`entry count "${lines[1] ?? ""}" does not match the ${lines.length - 2} entries`);
    for (const line of lines.slice(2)) {
      const parts = line.trim().split(/\s+/);
      if (parts.length !== 3) throw corrupt(`entry "${line}" is not "topic partition offset"`);
      const offset = Number(parts[2]);
      if (!Number.isSafeInteger(offset) || offset < 0) throw corrupt(`offset "${parts[2]}" is not a non-negative integer`);
      if (parts[0] === this.topic && Number(parts[1]) === this.partition) return offset;
    }
    return undefined;
  }
}
