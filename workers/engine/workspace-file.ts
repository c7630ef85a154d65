/**
 * What a workspace is besides its logs: the generators running, the workbench's consumer
 * groups, the stream applications with their source, and the editor's drafts. Logs and
 * committed offsets live in their own files; this one small JSON file holds the rest, so
 * a reload brings the workspace back as it was, and a reset (which deletes every file)
 * forgets it.
 *
 * Written whole on every change (it is a few KiB), flushed at once: changes are rare and
 * come from people clicking. A torn or foreign file reads as "nothing saved".
 */
import type { Storage, StorageFile } from "../storage/storage";
import type { GeneratorSettings } from "./generators/generator-runner";
import type { WorkbenchGroupSettings } from "./workbench-consumers";

export const WORKSPACE_FILE = "streamlab-workspace.json";
const VERSION = 1;
/** Drafts beyond this many bytes are refused: the file is for settings, not data. */
export const MAX_NOTES_BYTES = 1 << 20;

export interface SavedApplication {
  applicationId: string;
  source: string;
  config: Record<string, string | number | boolean>;
  /** Running when saved: started again on load. */
  running: boolean;
}

export interface WorkspaceManifest {
  version: number;
  generators: GeneratorSettings[];
  groups: WorkbenchGroupSettings[];
  applications: SavedApplication[];
  /** Free-form text the workbench keeps (editor drafts, by name). */
  notes: Record<string, string>;
}

export function emptyManifest(): WorkspaceManifest {
  return { version: VERSION, generators: [], groups: [], applications: [], notes: {} };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isManifest(value: unknown): value is WorkspaceManifest {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Partial<WorkspaceManifest>;
  return (
    m.version === VERSION &&
    Array.isArray(m.generators) &&
    Array.isArray(m.groups) &&
    Array.isArray(m.applications) &&
    typeof m.notes === "object" &&
    m.notes !== null
  );
}

function isEmpty(m: WorkspaceManifest): boolean {
  return m.generators.length === 0 && m.groups.length === 0 && m.applications.length === 0 && Object.keys(m.notes).length === 0;
}

export class WorkspaceFile {
  private constructor(
    private readonly storage: Storage,
    private file: StorageFile | undefined,
  ) {}

  /** Opens the file if it exists; it is created by the first write with something to keep. */
  static async open(storage: Storage): Promise<WorkspaceFile> {
    const file = (await storage.exists(WORKSPACE_FILE)) ? await storage.open(WORKSPACE_FILE) : undefined;
    return new WorkspaceFile(storage, file);
  }

  /** The saved manifest, or undefined when nothing (readable) was saved. */
  read(): WorkspaceManifest | undefined {
    const size = this.file?.size() ?? 0;
    if (!this.file || size === 0) return undefined;
    try {
      const parsed: unknown = JSON.parse(decoder.decode(this.file.read(0, size)));
      return isManifest(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Replace the saved manifest. Resolves once written and flushed; writes are chained, so
   * the last one called is the one that stays.
   */
  write(manifest: WorkspaceManifest): Promise<void> {
    this.pending = this.pending.then(async () => {
      if (!this.file) {
        if (isEmpty(manifest) || this.closed) return;
        this.file = await this.storage.open(WORKSPACE_FILE, { create: true });
      }
      if (this.closed) return;
      const bytes = encoder.encode(JSON.stringify({ ...manifest, version: VERSION }));
      this.file.truncate(0);
      this.file.write(0, bytes);
      this.file.flush();
    });
    return this.pending;
  }

  private pending: Promise<void> = Promise.resolve();
  private closed = false;

  /** Waits for the writes in progress, then closes the file. */
  async close(): Promise<void> {
    await this.pending.catch(() => {});
    this.closed = true;
    this.file?.close();
    this.file = undefined;
  }
}
