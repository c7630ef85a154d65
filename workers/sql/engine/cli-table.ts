/**
 * Tables as ksqlDB's CLI draws them (its console Table): every cell padded to its column's
 * width, cells joined by ` | ` between a leading and a trailing space, a header row, then a
 * dashed rule as wide as a row, the rows, and the rule again.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => ` ${widths.map((w, i) => (cells[i] ?? "").padEnd(w)).join(" | ")} `;
  const rule = "-".repeat(widths.reduce((a, w) => a + w + 3, -1));
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
