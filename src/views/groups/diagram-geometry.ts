/**
 * Where the assignment diagram draws things: partitions stacked on the left, members on
 * the right, and an edge from each assigned partition to its member. Rows are spread so
 * that both columns fill the same height; edges are cubic curves that leave a partition
 * horizontally and arrive at the member horizontally, so re-pointing one on a rebalance
 * reads as the arrow swinging to its new owner.
 */

export interface DiagramInput {
  /** "topic-partition" keys, in display order. */
  partitions: string[];
  /** Member names, in display order. */
  members: string[];
  /** Partition key → member name, for assigned partitions. */
  owner: Record<string, string | null>;
  width: number;
  partitionRow: number;
  memberRow: number;
  /** x of the partitions' right edge and the members' left edge. */
  partitionRight: number;
  memberLeft: number;
}

export interface EdgeGeometry {
  partition: string;
  member: string;
  /** SVG path data. */
  d: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DiagramGeometry {
  height: number;
  partitionY: Record<string, number>;
  memberY: Record<string, number>;
  edges: EdgeGeometry[];
}

/** Centre y of row `i` of `count` rows of `row` px spread over `height`. */
function rowCentre(i: number, count: number, row: number, height: number): number {
  const used = count * row;
  const top = (height - used) / 2;
  return top + i * row + row / 2;
}

export function edgePath(x1: number, y1: number, x2: number, y2: number): string {
  const bend = Math.max(24, (x2 - x1) * 0.5);
  return `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
}

export function diagramGeometry(input: DiagramInput): DiagramGeometry {
  const height = Math.max(input.partitions.length * input.partitionRow, input.members.length * input.memberRow, input.memberRow);
  const partitionY: Record<string, number> = {};
  input.partitions.forEach((p, i) => (partitionY[p] = rowCentre(i, input.partitions.length, input.partitionRow, height)));
  const memberY: Record<string, number> = {};
  input.members.forEach((m, i) => (memberY[m] = rowCentre(i, input.members.length, input.memberRow, height)));
  const edges: EdgeGeometry[] = [];
  for (const p of input.partitions) {
    const m = input.owner[p];
    if (m === null || m === undefined || memberY[m] === undefined) continue;
    const x1 = input.partitionRight;
    const y1 = partitionY[p]!;
    const x2 = input.memberLeft;
    const y2 = memberY[m]!;
    edges.push({ partition: p, member: m, d: edgePath(x1, y1, x2, y2), x1, y1, x2, y2 });
  }
  return { height, partitionY, memberY, edges };
}
