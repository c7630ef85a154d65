/**
 * Why the cleaner removed a record, in words a learner can follow: the newer record of
 * the same key that superseded it, or the tombstone's expiry.
 */
import type { RemovedRecord } from "../../engine-client/broker-client";

export interface BeforeRecord {
  offset: number;
  key: string | null;
  value: string | null;
}

export function explainRemoval(removed: RemovedRecord, before: readonly BeforeRecord[]): string {
  switch (removed.reason) {
    case "superseded": {
      // The newest record of the key in what we saw is the one that wins.
      let newest = -1;
      for (const r of before) if (r.key === removed.key && r.offset > removed.offset) newest = Math.max(newest, r.offset);
      return newest >= 0 ? `superseded by offset ${newest}` : "superseded by a newer value of its key";
    }
    case "tombstone-expired":
      return "tombstone past delete.retention.ms";
    case "no-key":
      return "no key: a compacted topic keeps only keyed records";
    case "aborted":
      return "part of an aborted transaction";
    case "marker-expired":
      return "transaction marker no longer needed";
  }
}

/** Removed offsets by reason text, for the before tape's labels. */
export function removalMap(removed: readonly RemovedRecord[], before: readonly BeforeRecord[]): Map<number, string> {
  return new Map(removed.map((r) => [r.offset, explainRemoval(r, before)]));
}
