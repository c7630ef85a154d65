/**
 * Records per second (of engine time) through each node of an application, from the
 * running per-task totals its events report. Processing comes in bursts (a batch per
 * fetch), so a rate is the growth of the totals over the samples of the last few seconds,
 * divided by the time they span, and never by less than a second.
 */
export const RATE_WINDOW_MS = 4000;

export class NodeRates {
  /** node → task → running total. */
  private readonly totals = new Map<string, Map<string, number>>();
  private samples: Array<{ at: number; totals: Map<string, number> }> = [];

  /** A node-processed event: the task's running total for the node. */
  processed(node: string, taskId: string, total: number): void {
    let byTask = this.totals.get(node);
    if (!byTask) this.totals.set(node, (byTask = new Map()));
    byTask.set(taskId, total);
  }

  /** The application stopped: its tasks start counting from zero when it runs again. */
  reset(): void {
    this.totals.clear();
    this.samples = [];
  }

  total(node: string): number {
    let sum = 0;
    for (const t of this.totals.get(node)?.values() ?? []) sum += t;
    return sum;
  }

  /** Take a sample of every node's total at engine time `at`. */
  sample(at: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && at < last.at) this.samples = [];
    const totals = new Map<string, number>();
    for (const node of this.totals.keys()) totals.set(node, this.total(node));
    if (last && last.at === at) last.totals = totals;
    else this.samples.push({ at, totals });
    while (this.samples.length > 2 && this.samples[1]!.at <= at - RATE_WINDOW_MS) this.samples.shift();
  }

  rates(): Map<string, number> {
    const out = new Map<string, number>();
    if (this.samples.length < 2) return out;
    const last = this.samples[this.samples.length - 1]!;
    for (const [node, total] of last.totals) {
      // A node first seen inside the window counts from its first sample, not from zero.
      const first = this.samples.find((s) => s.totals.has(node))!;
      const span = Math.max(1000, last.at - first.at);
      out.set(node, Math.max(0, ((total - first.totals.get(node)!) * 1000) / span));
    }
    return out;
  }
}
