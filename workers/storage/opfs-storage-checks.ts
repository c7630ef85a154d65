/**
 * What OPFS adds to the shared conformance suite: a file held open by another context
 * (another tab's broker worker, or a crashed one whose handles the browser has not freed
 * yet). Two storages on the same OPFS directory stand in for the two contexts, since each
 * keeps its own open-file table and only the platform's lock stands between them. Like the
 * conformance suite this takes the test functions as an argument; it only runs in a
 * dedicated worker in Chromium.
 */
import type { ConformanceTestApi } from "./storage-conformance";
import { OpfsStorage } from "./opfs-storage";

export function runOpfsStorageChecks(rootDirName: string, t: ConformanceTestApi): void {
  const { describe, it, expect } = t;

  describe("OpfsStorage against another holder of the same files", () => {
    it("fails with STORAGE_LOCKED naming the file once the retries run out", async () => {
      const owner = await OpfsStorage.open(rootDirName);
      const intruder = await OpfsStorage.open(rootDirName, { lockRetryDelaysMs: [1, 1] });
      const held = await owner.open("orders-0/00000000000000000000.log", { create: true });
      let failure: { type?: unknown; message?: unknown } = {};
      try {
        (await intruder.open("orders-0/00000000000000000000.log")).close();
      } catch (e) {
        failure = e as typeof failure;
      }
      expect(failure.type).toBe("STORAGE_LOCKED");
      expect(String(failure.message)).toContain("orders-0/00000000000000000000.log");
      held.close();

      // The failed attempt left nothing reserved behind it.
      const after = await intruder.open("orders-0/00000000000000000000.log");
      after.close();
      await owner.remove("");
    });

    it("gets the file when the holder lets go while it is retrying", async () => {
      const owner = await OpfsStorage.open(rootDirName);
      const successor = await OpfsStorage.open(rootDirName, { lockRetryDelaysMs: [5, 10, 20, 40, 80] });
      const held = await owner.open("orders-0/00000000000000000000.log", { create: true });
      held.write(0, Uint8Array.from([1, 2, 3]));
      const opening = successor.open("orders-0/00000000000000000000.log");
      held.close();
      const taken = await opening;
      expect(Array.from(taken.read(0, 10))).toEqual([1, 2, 3]);
      taken.close();
      await owner.remove("");
    });
  });
}
