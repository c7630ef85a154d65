/**
 * The storage suites OPFS must pass: the conformance suite every backend runs, then the
 * OPFS-only checks against a second holder of the same files. Each conformance case gets
 * a fresh directory under `rootDir`, as each Vitest case gets a fresh memory or temp-dir
 * storage.
 */
import type { ConformanceTestApi } from "../../workers/storage/storage-conformance";
import { runStorageConformance } from "../../workers/storage/storage-conformance";
import { runOpfsStorageChecks } from "../../workers/storage/opfs-storage-checks";
import { OpfsStorage } from "../../workers/storage/opfs-storage";

export const OPFS_SUITE_ROOT = "streamlab-e2e-storage";

export function defineOpfsStorageSuite(api: ConformanceTestApi, rootDir = OPFS_SUITE_ROOT): void {
  let storages = 0;
  runStorageConformance("opfs", () => OpfsStorage.open(`${rootDir}/conformance-${storages++}`), api);
  runOpfsStorageChecks(`${rootDir}/holders`, api);
}
