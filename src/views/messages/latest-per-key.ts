/**
 * A topic as a table: the latest value per key, which is what compaction converges to.
 * A tombstone removes its key (as a consumer building a table would); records without a
 * key have no row. Feed records in offset order per partition; keys live in one partition.
 */
export interface LatestRow {
  key: string;
  value: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** How many records of this key were seen (the rows compaction would remove, plus one). */
  versions: number;
}

export class LatestPerKey {
  readonly rows = new Map<string, LatestRow>();
  private readonly versions = new Map<string, number>();
  records = 0;
  deletedKeys = 0;

  add(r: { key: string | null; value: string | null; partition: number; offset: number; timestamp: number; control?: string | null }): void {
    if (r.control) return;
    this.records++;
    if (r.key === null) return;
    const seen = (this.versions.get(r.key) ?? 0) + 1;
    this.versions.set(r.key, seen);
    if (r.value === null) {
      if (this.rows.delete(r.key)) this.deletedKeys++;
      return;
    }
    this.rows.set(r.key, { key: r.key, value: r.value, partition: r.partition, offset: r.offset, timestamp: r.timestamp, versions: seen });
  }

  sorted(): LatestRow[] {
    return [...this.rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
