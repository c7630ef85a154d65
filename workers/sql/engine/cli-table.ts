/**
 * Tables as ksqlDB's CLI draws them: a header row, a dashed rule as wide as the table,
 * the rows, and a closing rule; cells padded to the column's width, separated by ` | `.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => " " + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(" | ");
  const width = widths.reduce((a, w) => a + w, 0) + 3 * (widths.length - 1) + 1;
  const rule = "-".repeat(width);
  return [line(header), rule, ...rows.map(line), rule].join("\n");
}

/** A value as the CLI shows it in a result cell. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Map) return JSON.stringify(Object.fromEntries(v));
  if (typeof v === "object" && "toJSON" in (v as object)) return JSON.stringify(v);
  return JSON.stringify(v);
}
