import { expect, test, type Page } from "@playwright/test";

// The broker in a real browser: its logs live on OPFS, survive a reload, survive the
// worker being killed mid-stream (recovery keeps every acknowledged record and no torn
// batch), and a second tab of the same origin cannot touch them.

/** Open the workbench and wait until this tab's broker is running. */
async function openReady(page: Page): Promise<void> {
  await page.goto("./");
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await page.waitForFunction(() => window.__streamlab !== undefined);
}

/** Start from an empty workspace whatever an earlier run left on this origin. */
async function resetWorkspace(page: Page): Promise<void> {
  await page.evaluate(() => window.__streamlab!.api.resetWorkspace());
  await expect(page.getByTestId("topic-list-empty")).toBeVisible();
}

interface ReadBack {
  offsets: number[];
  values: Array<string | null>;
  keys: Array<string | null>;
}

/** Every record of one partition, read back through the engine API in ranges. */
function readPartition(page: Page, topic: string, partition: number): Promise<ReadBack> {
  return page.evaluate(
    async ({ topic, partition }) => {
      const api = window.__streamlab!.api;
      const out: ReadBack = { offsets: [], values: [], keys: [] };
      let from = 0;
      for (;;) {
        const range = await api.readRange(topic, partition, from, 5000);
        if (range.records.length === 0) break;
        for (const r of range.records) {
          out.offsets.push(r.offset);
          out.values.push(r.value);
          out.keys.push(r.key);
        }
        from = range.nextOffset;
      }
      return out;
    },
    { topic, partition },
  );
}

/** The partition's stored batches as raw bytes (base64), to check outside the engine. */
function rawBatches(page: Page, topic: string, partition: number): Promise<string[]> {
  return page.evaluate(
    async ({ topic, partition }) => {
      const api = window.__streamlab!.api;
      const chunks: string[] = [];
      let from = 0;
      for (;;) {
        const read = await api.readBatches(topic, partition, from, 1 << 20);
        if (read.bytes.length === 0) break;
        let binary = "";
        for (let i = 0; i < read.bytes.length; i += 0x8000) binary += String.fromCharCode(...read.bytes.subarray(i, i + 0x8000));
        chunks.push(btoa(binary));
        if (read.nextOffset >= read.highWatermark) break;
        from = read.nextOffset;
      }
      return chunks;
    },
    { topic, partition },
  );
}

// CRC-32C (Castagnoli, reflected 0x82F63B78), written here so the check does not lean on
// the engine's own codec.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface RawBatch {
  baseOffset: number;
  lastOffset: number;
  recordsCount: number;
  crcOk: boolean;
}

/** Walk RecordBatch v2 headers (Kafka's layout) and check each batch's CRC-32C. */
function parseBatches(chunks: string[]): { batches: RawBatch[]; trailingBytes: number } {
  const batches: RawBatch[] = [];
  let trailingBytes = 0;
  for (const chunk of chunks) {
    const bytes = Uint8Array.from(Buffer.from(chunk, "base64"));
    const view = new DataView(bytes.buffer);
    let pos = 0;
    while (bytes.length - pos >= 61) {
      const baseOffset = Number(view.getBigInt64(pos));
      const batchLength = view.getInt32(pos + 8);
      const size = batchLength + 12;
      if (pos + size > bytes.length) break;
      expect(view.getInt8(pos + 16), `magic of the batch at offset ${baseOffset}`).toBe(2);
      const storedCrc = view.getUint32(pos + 17);
      const lastOffsetDelta = view.getInt32(pos + 23);
      const recordsCount = view.getInt32(pos + 57);
      const crcOk = crc32c(bytes.subarray(pos + 21, pos + size)) === storedCrc;
      batches.push({ baseOffset, lastOffset: baseOffset + lastOffsetDelta, recordsCount, crcOk });
      pos += size;
    }
    trailingBytes += bytes.length - pos;
  }
  return { batches, trailingBytes };
}

test("10,000 records produced through the page are all there after a reload", async ({ page }) => {
  test.setTimeout(120_000);
  await openReady(page);
  await resetWorkspace(page);

  await page.getByTestId("new-topic").click();
  await page.getByTestId("create-topic-name").fill("persist");
  await page.getByTestId("create-topic-partitions").fill("1");
  await page.getByTestId("create-topic-segment-bytes").fill("65536");
  await page.getByTestId("create-topic-submit").click();
  await expect(page.getByTestId("topic-item-persist")).toBeVisible();
  await expect(page.getByTestId("topic-title")).toHaveText("persist");

  await page.getByTestId("drawer-tab-produce").click();
  await page.getByTestId("produce-count").fill("10000");
  await page.getByTestId("produce-submit").click();
  await expect(page.getByTestId("produce-status")).toHaveAttribute("data-finished", "true", { timeout: 60_000 });
  await expect(page.getByTestId("produce-status")).toContainText("Acknowledged 10000: partition 0: offsets 0–9999");
  const row = page.getByTestId("partition-row-0");
  await expect(row.getByTestId("high-watermark")).toHaveText("10000");
  await expect(row.getByTestId("log-end-offset")).toHaveText("10000");
  await expect(row.getByTestId("log-start-offset")).toHaveText("0");
  // 64 KiB segments: several rolled, exactly one active.
  const segmentCount = await row.locator("[data-testid^=segment-]").count();
  expect(segmentCount).toBeGreaterThan(2);
  await expect(row.locator("[data-active=true]")).toHaveCount(1);
  await page.screenshot({ path: "e2e/screenshots/broker-page.png" });

  await page.reload();
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await page.waitForFunction(() => window.__streamlab !== undefined);
  await expect(page.getByTestId("topic-title")).toHaveText("persist");
  await expect(row.getByTestId("high-watermark")).toHaveText("10000");
  await expect(row.locator("[data-testid^=segment-]")).toHaveCount(segmentCount);

  const back = await readPartition(page, "persist", 0);
  expect(back.offsets).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  back.values.forEach((value, i) => {
    if (value !== JSON.stringify({ seq: i })) expect(value, `value at offset ${i}`).toBe(JSON.stringify({ seq: i }));
  });
  back.keys.forEach((key, i) => {
    if (key !== `key-${i % 8}`) expect(key, `key at offset ${i}`).toBe(`key-${i % 8}`);
  });
  const check = await page.evaluate(() => window.__streamlab!.api.checkLog("persist", 0));
  expect(check).toMatchObject({ records: 10_000, nextOffset: 10_000, problems: [] });
});

test("a worker killed mid-stream recovers every acknowledged record and no torn batch", async ({ page }) => {
  test.setTimeout(180_000);
  await openReady(page);
  await resetWorkspace(page);
  await page.evaluate(() =>
    window.__streamlab!.api.createTopic({ name: "crash", partitions: 1, config: { "segment.bytes": 256 * 1024 } }),
  );

  let expectedFloor = 0;
  // Each round kills the worker a different time after an acknowledgement, so the kill
  // lands at different points of encoding, appending, rolling and flushing.
  for (const [round, killDelayMs] of [
    [1, 0],
    [2, 7],
    [3, 23],
  ] as const) {
    // A stream of produce calls, four in flight at a time so the worker is always busy
    // (encoding, appending, rolling, flushing) when it is killed. A call is acknowledged
    // once its records are flushed; `acked` counts the records of the calls acknowledged
    // without a gap before them, so every one of them must survive.
    await page.evaluate(
      ({ startSeq }) => {
        const CALL = 500;
        const state = { acked: startSeq, failure: "" };
        (window as unknown as { __stream: typeof state }).__stream = state;
        const done = new Set<number>();
        let nextCall = 0;
        let firstOpen = 0;
        const launch = (): void => {
          const call = nextCall++;
          const seq0 = startSeq + call * CALL;
          const records = Array.from({ length: CALL }, (_, i) => ({ key: `k${(seq0 + i) % 13}`, value: { seq: seq0 + i, pad: "x".repeat(48) } }));
          window.__streamlab!.api.produceJson("crash", records).then(
            () => {
              done.add(call);
              while (done.has(firstOpen)) done.delete(firstOpen++);
              state.acked = startSeq + firstOpen * CALL;
              launch();
            },
            (e: unknown) => {
              state.failure = String(e);
            },
          );
        };
        for (let i = 0; i < 4; i++) launch();
      },
      { startSeq: expectedFloor },
    );
    await page.waitForFunction((target) => (window as unknown as { __stream: { acked: number } }).__stream.acked >= target, expectedFloor + 8000, {
      timeout: 60_000,
    });
    // Read the count and kill the worker in one task: no acknowledgement can slip in between.
    const acked = await page.evaluate(
      (delay) =>
        new Promise<number>((resolve) => {
          setTimeout(() => {
            const n = (window as unknown as { __stream: { acked: number } }).__stream.acked;
            window.__streamlab!.terminateWorker();
            resolve(n);
          }, delay);
        }),
      killDelayMs,
    );
    expect(acked, `round ${round}`).toBeGreaterThanOrEqual(expectedFloor + 8000);

    await page.reload();
    await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
    await page.waitForFunction(() => window.__streamlab !== undefined);

    const description = await page.evaluate(() => window.__streamlab!.api.describeTopic("crash"));
    const p0 = description.partitions[0]!;
    expect(p0.logStartOffset).toBe(0);
    expect(p0.logEndOffset, `round ${round}: recovered log end offset vs ${acked} acknowledged`).toBeGreaterThanOrEqual(acked);
    expect(p0.highWatermark).toBe(p0.logEndOffset);
    test.info().annotations.push({ type: `round ${round}`, description: `${acked} acknowledged before the kill, ${p0.logEndOffset} recovered` });

    // The engine's own check: every batch's CRC, no gap, no overlap.
    const check = await page.evaluate(() => window.__streamlab!.api.checkLog("crash", 0));
    expect(check.problems).toEqual([]);
    expect(check.records).toBe(p0.logEndOffset);
    expect(check.nextOffset).toBe(p0.logEndOffset);

    // An independent check of the raw bytes: whole batches only, dense offsets, good CRCs.
    const { batches, trailingBytes } = parseBatches(await rawBatches(page, "crash", 0));
    expect(trailingBytes).toBe(0);
    expect(batches.filter((b) => !b.crcOk)).toEqual([]);
    let next = 0;
    for (const b of batches) {
      expect(b.baseOffset, "batches follow each other without gaps").toBe(next);
      expect(b.recordsCount).toBe(b.lastOffset - b.baseOffset + 1);
      next = b.lastOffset + 1;
    }
    expect(next).toBe(p0.logEndOffset);

    // Every record is the one produced at that offset (one partition, calls in order).
    const back = await readPartition(page, "crash", 0);
    expect(back.offsets.length).toBe(p0.logEndOffset);
    back.values.forEach((value, i) => {
      const seq = (JSON.parse(value!) as { seq: number }).seq;
      if (seq !== i || back.offsets[i] !== i) expect([back.offsets[i], seq], `record ${i}`).toEqual([i, i]);
    });
    expectedFloor = p0.logEndOffset;
  }
});

test("a second tab is told another tab owns the broker, cannot write, and takes over cleanly", async ({ page, context }) => {
  test.setTimeout(120_000);
  await openReady(page);
  await resetWorkspace(page);
  await page.evaluate(async () => {
    const api = window.__streamlab!.api;
    await api.createTopic({ name: "shared", partitions: 2 });
    await api.produceJson("shared", Array.from({ length: 500 }, (_, i) => ({ key: `k${i % 5}`, value: { i } })));
  });

  const second = await context.newPage();
  await second.goto("./");
  const banner = second.getByTestId("broker-banner");
  await expect(banner).toHaveAttribute("data-kind", "another-tab", { timeout: 10_000 });
  await expect(banner).toContainText("Another tab owns the broker");
  await expect(second.getByTestId("app")).toHaveAttribute("data-state", "another-tab");
  await expect(second.getByTestId("new-topic")).toBeDisabled();
  await second.screenshot({ path: "e2e/screenshots/broker-another-tab.png" });
  await second.waitForFunction(() => window.__streamlab !== undefined);
  const refused = await second.evaluate(() =>
    window.__streamlab!.api.createTopic({ name: "intruder" }).then(
      () => "created",
      (e: { type?: string }) => e.type ?? "no type",
    ),
  );
  expect(refused).toBe("STORAGE_LOCKED");

  // The owner keeps working while the second tab is open.
  const afterMore = await page.evaluate(async () => {
    const api = window.__streamlab!.api;
    await api.produceJson("shared", Array.from({ length: 500 }, (_, i) => ({ key: `k${i % 5}`, value: { i: 500 + i } })));
    return Promise.all([api.checkLog("shared", 0), api.checkLog("shared", 1)]);
  });
  expect(afterMore.flatMap((c) => c.problems)).toEqual([]);
  expect(afterMore.reduce((n, c) => n + c.records, 0)).toBe(1000);

  // When the owner goes away, the waiting tab takes over and finds everything intact.
  await page.close();
  await expect(second.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await expect(second.getByTestId("broker-banner")).toHaveCount(0);
  await expect(second.getByTestId("topic-item-shared")).toBeVisible();
  const taken = await second.evaluate(async () => {
    const api = window.__streamlab!.api;
    const topics = await api.listTopics();
    const checks = await Promise.all([api.checkLog("shared", 0), api.checkLog("shared", 1)]);
    return { topics: topics.map((t) => t.name), records: checks.reduce((n, c) => n + c.records, 0), problems: checks.flatMap((c) => c.problems) };
  });
  expect(taken).toEqual({ topics: ["shared"], records: 1000, problems: [] });
});

test("the clock plays at wall speed, freezes when paused, and continues from its stored time after a reload", async ({ page }) => {
  await openReady(page);
  const now = () => page.evaluate(() => window.__streamlab!.api.now());
  const play = page.getByTestId("clock-play");
  await expect(play).toHaveAttribute("aria-pressed", "true");
  const t0 = await now();
  await page.waitForTimeout(500);
  const t1 = await now();
  expect(t1 - t0).toBeGreaterThan(200);
  expect(t1 - t0).toBeLessThan(3000);

  await page.keyboard.press(" ");
  await expect(play).toHaveAttribute("aria-pressed", "false");
  const paused = await now();
  await page.waitForTimeout(400);
  expect(await now()).toBe(paused);
  // One step is a tenth of a second of engine time; ten steps make a second.
  for (let i = 0; i < 10; i++) await page.getByTestId("clock-step").click();
  await expect.poll(now).toBe(paused + 1000);

  await page.getByTestId("speed-100").click();
  await expect(page.getByTestId("speed-100")).toHaveAttribute("aria-checked", "true");
  await page.reload();
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await page.waitForFunction(() => window.__streamlab !== undefined);
  // A reload starts playing at 1× again, from the stored time rather than the wall time.
  const resumed = await now();
  expect(resumed).toBeGreaterThanOrEqual(paused + 1000);
  expect(resumed - (paused + 1000)).toBeLessThan(5000);
});
