/**
 * Where the workbench's virtual time is kept between page loads. The clock starts at the
 * wall time the workspace was created and then moves only as the user plays it, so a
 * reload must continue from the stored time, not jump to today's date (segment ages and
 * retention would leap forward by however long the tab was closed).
 *
 * One 16-byte file: a magic word, a version, and the time as a float64. It is rewritten in
 * place on every tick; a torn or foreign file reads as "no time stored".
 */
import type { Storage, StorageFile } from "../storage/storage";

export const CLOCK_FILE = "streamlab-clock";

const MAGIC = 0x534c434b; // "SLCK"
const VERSION = 1;
const SIZE = 16;

export class ClockFile {
  private writesSinceFlush = 0;

  private constructor(
    private readonly file: StorageFile,
    private readonly flushEvery: number,
  ) {}

  /**
   * Open (or create) the clock file. `flushEvery` writes go by between flushes: the time
   * is written every animation frame, and losing the last few frames of it in a crash
   * costs nothing worth a flush each.
   */
  static async open(storage: Storage, flushEvery = 30): Promise<ClockFile> {
    return new ClockFile(await storage.open(CLOCK_FILE, { create: true }), Math.max(1, flushEvery));
  }

  /** The stored time, or undefined for a new, torn or unreadable file. */
  read(): number | undefined {
    if (this.file.size() < SIZE) return undefined;
    const bytes = this.file.read(0, SIZE);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0) !== MAGIC || view.getUint32(4) !== VERSION) return undefined;
    const time = view.getFloat64(8);
    return Number.isSafeInteger(time) && time >= 0 ? time : undefined;
  }

  write(time: number): void {
    const bytes = new Uint8Array(SIZE);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC);
    view.setUint32(4, VERSION);
    view.setFloat64(8, time);
    this.file.write(0, bytes);
    if (++this.writesSinceFlush >= this.flushEvery) this.flush();
  }

  flush(): void {
    this.writesSinceFlush = 0;
    this.file.flush();
  }

  close(): void {
    this.flush();
    this.file.close();
  }
}
