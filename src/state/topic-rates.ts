/**
 * Live produce rates per topic, measured on the engine's virtual clock from the
 * records-appended events: records per virtual second. At 10× the rate shown is what the
 * topic receives in its own time, not per wall second.
 *
 * Updates arrive in bursts when the worker is busy, each carrying the records appended
 * since the previous one; so a rate is the records of the updates in the window divided
 * by the time those updates span, never the records counted against a fixed second.
 */
export class TopicRates {
  private samples: Array<{ at: number; counts: Map<string, number> }> = [];

  /** One engine update: its clock and the records it reported appended, by topic. */
  update(at: number, counts: Map<string, number>): void {
    const last = this.samples.at(-1);
    if (last && at < last.at) this.samples = [];
    if (last && at === last.at) {
      for (const [t, n] of counts) last.counts.set(t, (last.counts.get(t) ?? 0) + n);
      return;
    }
    this.samples.push({ at, counts });
  }

  /** Records per second for each topic with records in the last `windowMs` before `now`. */
  rates(now: number, windowMs = 2000): Record<string, number> {
    // Keep one sample at or before the window's start: it opens the first interval.
    while (this.samples.length > 1 && this.samples[1]!.at <= now - windowMs) this.samples.shift();
    const out: Record<string, number> = {};
    if (this.samples.length < 2) return out;
    const first = this.samples[0]!;
    const span = this.samples.at(-1)!.at - first.at;
    if (span <= 0) return out;
    const totals = new Map<string, number>();
    for (const s of this.samples.slice(1)) for (const [t, n] of s.counts) totals.set(t, (totals.get(t) ?? 0) + n);
    // Under a second of history says little: count it as a second.
    for (const [t, n] of totals) if (n > 0) out[t] = Math.round((n * 1000) / Math.max(span, 1000));
    return out;
  }

  clear(): void {
    this.samples = [];
  }
}
