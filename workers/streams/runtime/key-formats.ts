/**
 * Which topics hold windowed keys, so that dumps can print them as
 * `{"key":K,"window":{"start":ms,"end":ms}}`. On the wire a windowed key is Kafka's
 * TimeWindowedSerializer layout (key bytes, then the 8-byte window start) or, for session
 * windows, key bytes, 8-byte end, 8-byte start: the end of a time window is not in the
 * bytes, so the window size is remembered per topic from what the applications wrote.
 * Kept in a small file beside the topics, so a later run on the same data directory
 * prints the same way.
 */
import { readInt64BE } from "../bytes";
import type { Storage } from "../../storage/storage";
import type { WindowOfKey } from "./protocol";

export interface WindowedKeyFormat {
  readonly type: "time" | "session" | "sliding";
  /** end - start of the windows written (time and sliding windows). */
  readonly sizeMs: number;
}

export const KEY_FORMATS_FILE = "streamlab-windowed-keys.json";

export class WindowedKeyFormats {
  private readonly formats = new Map<string, WindowedKeyFormat>();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly storage?: Storage) {}

  static async load(storage: Storage): Promise<WindowedKeyFormats> {
    const formats = new WindowedKeyFormats(storage);
    if (!(await storage.exists(KEY_FORMATS_FILE))) return formats;
    const file = await storage.open(KEY_FORMATS_FILE);
    try {
      const text = new TextDecoder().decode(file.read(0, file.size()));
      const parsed = JSON.parse(text) as Record<string, WindowedKeyFormat>;
      for (const [topic, f] of Object.entries(parsed)) {
        if ((f.type === "time" || f.type === "session" || f.type === "sliding") && Number.isFinite(f.sizeMs)) formats.formats.set(topic, { type: f.type, sizeMs: f.sizeMs });
      }
    } catch {
      // A torn or foreign file only costs the window ends in dumps; keys still print.
    } finally {
      file.close();
    }
    return formats;
  }

  get(topic: string): WindowedKeyFormat | undefined {
    return this.formats.get(topic);
  }

  /** Records that `topic` received a key with this window; the first window seen fixes the size. */
  note(topic: string, window: WindowOfKey): void {
    if (this.formats.has(topic)) return;
    this.formats.set(topic, { type: window.type, sizeMs: window.end - window.start });
    this.save();
  }

  forget(topic: string): void {
    if (this.formats.delete(topic)) this.save();
  }

  topics(): string[] {
    return [...this.formats.keys()].sort();
  }

  /** Resolves once every change is on storage. */
  flushed(): Promise<void> {
    return this.saving;
  }

  private save(): void {
    const storage = this.storage;
    if (!storage) return;
    const text = JSON.stringify(Object.fromEntries([...this.formats].sort(([a], [b]) => (a < b ? -1 : 1))));
    this.saving = this.saving.then(async () => {
      const tmp = `${KEY_FORMATS_FILE}.tmp`;
      await storage.remove(tmp);
      const file = await storage.open(tmp, { create: true });
      try {
        const bytes = new TextEncoder().encode(text);
        file.write(0, bytes);
        file.flush();
      } finally {
        file.close();
      }
      await storage.rename(tmp, KEY_FORMATS_FILE);
    });
  }
}

/** The inner key bytes and window of a windowed key, or undefined when the bytes are too short. */
export function splitWindowedKey(bytes: Uint8Array, format: WindowedKeyFormat): { key: Uint8Array; start: number; end: number } | undefined {
  if (format.type === "session") {
    if (bytes.length < 16) return undefined;
    const end = readInt64BE(bytes, bytes.length - 16);
    const start = readInt64BE(bytes, bytes.length - 8);
    return { key: bytes.subarray(0, bytes.length - 16), start, end };
  }
  if (bytes.length < 8) return undefined;
  const start = readInt64BE(bytes, bytes.length - 8);
  return { key: bytes.subarray(0, bytes.length - 8), start, end: start + format.sizeMs };
}
