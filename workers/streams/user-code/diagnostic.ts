/** A problem found in a topology's source before it runs, positioned as an editor shows it. */
export interface TopologyDiagnostic {
  readonly applicationId: string;
  /** 1-based line and column (UTF-16 code units, a tab counts one) in topology.ts. */
  readonly line: number;
  readonly column: number;
  /** Where the flagged text ends (1-based, exclusive column), for editor markers. */
  readonly endLine: number;
  readonly endColumn: number;
  /** The compiler's message, chained explanations joined by newlines. */
  readonly message: string;
  /** TypeScript's diagnostic code (TS2339 → 2339); 0 for streamlab's own checks. */
  readonly code: number;
  readonly category: "error" | "warning" | "suggestion" | "message";
}

/** `<applicationId>:<line>:<column>: <message>`, as a failed topology step reports it. */
export function formatDiagnostic(d: TopologyDiagnostic): string {
  return `${d.applicationId}:${d.line}:${d.column}: ${d.message}`;
}

export function errorsOf(diagnostics: readonly TopologyDiagnostic[]): TopologyDiagnostic[] {
  return diagnostics.filter((d) => d.category === "error");
}
