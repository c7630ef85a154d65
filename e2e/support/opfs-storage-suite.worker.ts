/**
 * Dedicated-worker entry for e2e/opfs-storage.spec.ts (bundled there by esbuild): runs the
 * OPFS storage suite where sync access handles exist and posts every case's result back.
 * It also runs one case that must fail, so the spec can tell that this small harness
 * reports failures at all rather than passing everything.
 */
import { collectCases, expectThat, runCases } from "./case-collector";
import type { CaseResult } from "./case-collector";
import { OPFS_SUITE_ROOT, defineOpfsStorageSuite } from "./opfs-storage-suite";

export interface SuiteReport {
  results: CaseResult[];
  canary: CaseResult;
}

const scope = self as unknown as { postMessage(message: SuiteReport | { error: string }): void };

async function main(): Promise<SuiteReport> {
  // A reused profile may hold a previous run's files; every case expects empty storage.
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(OPFS_SUITE_ROOT, { recursive: true }).catch((e: unknown) => {
    if ((e as { name?: unknown }).name !== "NotFoundError") throw e;
  });
  const now = () => performance.now();
  const results = await runCases(collectCases(defineOpfsStorageSuite), now);
  const [canary] = await runCases([{ name: "canary: a wrong expectation fails", body: async () => expectThat([1, 2]).toEqual([1, 3]) }], now);
  await root.removeEntry(OPFS_SUITE_ROOT, { recursive: true }).catch(() => undefined);
  return { results, canary: canary as CaseResult };
}

main().then(
  (report) => scope.postMessage(report),
  (e: unknown) => scope.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
);
