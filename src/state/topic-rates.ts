/**
 * Live produce rates per topic, measured on the engine's virtual clock from the
 * records-appended events: records per virtual second over the last second. At 10× the
 * rate shown is what the topic receives in its own time, not per wall second.
 */
export class TopicRates {
  private readonly samples = new Map<string, Array<{ at: number; count: number }>>();

  add(topic: string, at: number, count: number): void {
    let list = this.samples.get(topic);
    if (!list) this.samples.set(topic, (list = []));
    list.push({ at, count });
  }

  /** Records per second for each topic that had records within `windowMs` before `now`. */
  rates(now: number, windowMs = 1000): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [topic, list] of this.samples) {
      while (list.length > 0 && list[0]!.at <= now - windowMs) list.shift();
      if (list.length === 0) {
        this.samples.delete(topic);
        continue;
      }
      let n = 0;
      for (const s of list) n += s.count;
      out[topic] = Math.round((n * 1000) / windowMs);
    }
    return out;
  }

  clear(): void {
    this.samples.clear();
  }
}
