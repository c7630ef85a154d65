import type { Clock } from "../runtime/clock";
import type { CommittedOffset, OffsetAndMetadata, OffsetStore } from "./offset-store";

/** An {@link OffsetStore} in memory: for tests and for engines without an offsets topic. */
export class InMemoryOffsetStore implements OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();

  constructor(private readonly clock?: Clock) {}

  commit(groupId: string, _generationId: number, _memberId: string, offsets: Readonly<Record<string, OffsetAndMetadata>>): void {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new Map()));
    const commitTimestamp = this.clock?.now();
    for (const [key, value] of Object.entries(offsets)) {
      group.set(key, {
        offset: value.offset,
        metadata: value.metadata ?? "",
        leaderEpoch: -1,
        ...(commitTimestamp === undefined ? {} : { commitTimestamp }),
      });
    }
  }

  fetch(groupId: string, partitions?: readonly string[]): Record<string, CommittedOffset> {
    const group = this.groups.get(groupId);
    const out: Record<string, CommittedOffset> = {};
    if (!group) return out;
    for (const key of partitions ?? [...group.keys()].sort()) {
      const value = group.get(key);
      if (value) out[key] = value;
    }
    return out;
  }
}
