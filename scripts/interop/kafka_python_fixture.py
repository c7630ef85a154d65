#!/usr/bin/env python3
"""Writes a small Kafka log directory with kafka-python's own RecordBatch v2 builder, and
its manifest, so that decode_segments.py can be tested against segments that are Kafka's
format by construction.

usage: kafka_python_fixture.py <log-dir> <manifest.json>

Layout: orders-0 has two segments (base offsets 0 and 5), a tombstone, headers and a
compacted batch whose offsets skip one; orders-1 has one segment with non-ASCII text.
Each segment gets .index and .timeindex files the way a Kafka broker writes them (one
entry per batch, offsets relative to the segment's base); orders-0's first .index is
preallocated with zeros, as Kafka leaves the active segment's index.
"""

import json
import os
import struct
import sys

try:
    from kafka.record.default_records import DefaultRecordBatchBuilder
except ImportError:
    sys.stderr.write(
        "kafka-python is not importable by %s. Install it with "
        "`sudo apt-get install -y python3-kafka` and run this script with /usr/bin/python3.\n" % sys.executable
    )
    sys.exit(2)


def build_batch(base_offset, records):
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=0, is_transactional=0,
        producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20,
    )
    for delta, timestamp, key, value, headers in records:
        builder.append(delta, timestamp, key, value, headers)
    data = builder.build()
    # The producer leaves the base offset to the broker; it sits outside the CRC.
    struct.pack_into(">q", data, 0, base_offset)
    return bytes(data)


def encode(text):
    return None if text is None else text.encode("utf-8")


def write_partition(log_dir, name, segments, preallocate_first_index=False):
    """segments: [(segment base, [(batch base offset, [(delta, ts, key, value, headers)])])]"""
    expected = []
    directory = os.path.join(log_dir, name)
    os.makedirs(directory, exist_ok=True)
    for n, (segment_base, batches) in enumerate(segments):
        log = bytearray()
        index = bytearray()
        timeindex = bytearray()
        max_ts = None
        for base_offset, records in batches:
            position = len(log)
            log += build_batch(
                base_offset,
                [(d, ts, encode(k), encode(v), [(hk, encode(hv)) for hk, hv in h]) for d, ts, k, v, h in records],
            )
            last_offset = base_offset + max(d for d, *_ in records)
            index += struct.pack(">ii", last_offset - segment_base, position)
            batch_max = max(ts for _, ts, *_ in records)
            if max_ts is None or batch_max > max_ts:
                max_ts = batch_max
                timeindex += struct.pack(">qi", batch_max, last_offset - segment_base)
            for d, ts, k, v, h in records:
                expected.append(
                    {"offset": base_offset + d, "timestamp": ts, "key": k, "value": v, "headers": [[hk, hv] for hk, hv in h]}
                )
        if preallocate_first_index and n == 0:
            index += bytes(8 * 16)
        stem = os.path.join(directory, "%020d" % segment_base)
        for suffix, data in ((".log", log), (".index", index), (".timeindex", timeindex)):
            with open(stem + suffix, "wb") as f:
                f.write(data)
    return expected


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: kafka_python_fixture.py <log-dir> <manifest.json>\n")
        return 2
    log_dir, manifest_path = argv
    manifest = {
        "orders-0": write_partition(
            log_dir,
            "orders-0",
            [
                (0, [
                    (0, [
                        (0, 1000, "k1", "v1", [("trace", "a")]),
                        (1, 1001, "k2", "v2", []),
                        (2, 1003, "k1", "v1b", [("trace", "b"), ("empty", None)]),
                    ]),
                    (3, [
                        (0, 1002, None, "no key", []),
                        (1, 1004, "k2", None, []),
                    ]),
                ]),
                (5, [
                    (5, [
                        (0, 2000, "k3", "v3", []),
                        (2, 2002, "k4", "v4", []),
                    ]),
                ]),
            ],
            preallocate_first_index=True,
        ),
        "orders-1": write_partition(
            log_dir,
            "orders-1",
            [(0, [(0, [(0, 5, "café", "naïve ☕", [("lang", "fr")]), (1, 6, "", "", [])])])],
        ),
    }
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
