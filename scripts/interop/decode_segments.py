#!/usr/bin/env python3
"""Decodes streamlab's segment files with kafka-python's own RecordBatch v2 decoder and
checks them against a manifest of the records that should be there.

usage: decode_segments.py [--no-index] [--result PATH] <log-dir> <manifest.json>

<log-dir> holds one folder per partition, named "<topic>-<partition>" as in a Kafka log
directory, each with "<base offset>.log" segments (and, when present, ".index" and
".timeindex"). The manifest maps "<topic>-<partition>" to the expected records in offset
order: {"offset", "timestamp", "key", "value", "headers": [[key, value], ...]}, keys,
values and header values being UTF-8 text or null.

Every partition of the manifest is one check. It passes when each batch frames cleanly,
has magic 2 and a valid CRC-32C (kafka-python's validate_crc), its offsets are dense
inside the batch's declared range and increase across batches and segments, the records
equal the manifest's, and the offset and time indexes point where Kafka's lookups need
them to. Prints a readable account of every difference; exits 0 only when every check
passes, 1 on a mismatch and 2 on bad usage. With --result PATH (or the environment
variable STREAMLAB_STEP_RESULT) writes {"passed": n, "failed": m} there, counted per
partition, for scripts/test-all.mjs.
"""

import json
import os
import re
import struct
import sys

try:
    from kafka.record.default_records import DefaultRecordBatch
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        "kafka-python is not importable by %s. Install it with "
        "`sudo apt-get install -y python3-kafka` and run this script with /usr/bin/python3.\n" % sys.executable
    )
    sys.exit(2)

LOG_OVERHEAD = 12  # base offset (int64) + batch length (int32)
V2_HEADER_SIZE = DefaultRecordBatch.HEADER_STRUCT.size  # 61 bytes
MAGIC_OFFSET = 16
SEGMENT_NAME = re.compile(r"^(\d{20})\.log$")
MAX_DIFFS_SHOWN = 20


class PartitionReport:
    def __init__(self, name):
        self.name = name
        self.problems = []
        self.batches = 0
        self.records = 0

    def problem(self, text):
        self.problems.append(text)

    @property
    def ok(self):
        return not self.problems


class Batch:
    """What the checks need of one batch, gathered while kafka-python decodes it."""

    def __init__(self, position, base_offset, last_offset, max_timestamp, records, is_control):
        self.position = position
        self.base_offset = base_offset
        self.last_offset = last_offset
        self.max_timestamp = max_timestamp
        self.records = records
        self.is_control = is_control


def text_or_none(data):
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "<bytes %s>" % data.hex()


def read_segment(path, segment_base, report, next_expected_offset):
    """Frames and decodes every batch of one .log file; returns its batches."""
    with open(path, "rb") as f:
        data = f.read()
    batches = []
    pos = 0
    label = os.path.basename(path)
    while pos < len(data):
        if len(data) - pos < LOG_OVERHEAD:
            report.problem("%s: %d trailing bytes at position %d, too few for a batch header" % (label, len(data) - pos, pos))
            break
        base_offset, length = struct.unpack_from(">qi", data, pos)
        end = pos + LOG_OVERHEAD + length
        if length < V2_HEADER_SIZE - LOG_OVERHEAD or end > len(data):
            report.problem(
                "%s: batch at position %d declares length %d but only %d bytes follow (torn or corrupt tail)"
                % (label, pos, length, len(data) - pos - LOG_OVERHEAD)
            )
            break
        magic = data[pos + MAGIC_OFFSET]
        if magic != 2:
            report.problem("%s: batch at position %d (base offset %d) has magic %d, expected 2" % (label, pos, base_offset, magic))
            pos = end
            continue
        batch = DefaultRecordBatch(data[pos:end])
        where = "%s: batch at position %d (base offset %d)" % (label, pos, base_offset)
        if not batch.validate_crc():
            report.problem("%s fails its CRC-32C check (stored crc %d)" % (where, batch.crc))
        if base_offset < segment_base:
            report.problem("%s starts below the segment's base offset %d" % (where, segment_base))
        if next_expected_offset is not None and base_offset < next_expected_offset:
            report.problem("%s overlaps the previous batch, which ended at offset %d" % (where, next_expected_offset - 1))
        last_offset = base_offset + batch.last_offset_delta
        records = []
        try:
            for record in batch:
                records.append(record)
        except Exception as error:  # kafka-python raises CorruptRecordException and friends
            report.problem("%s does not decode: %s" % (where, error))
        previous = None
        for record in records:
            if record.offset > last_offset:
                report.problem("%s holds offset %d beyond its last offset delta (last offset %d)" % (where, record.offset, last_offset))
            if previous is not None and record.offset <= previous:
                report.problem("%s has offset %d after offset %d" % (where, record.offset, previous))
            previous = record.offset
        batches.append(Batch(pos, base_offset, last_offset, batch.max_timestamp, records, batch.is_control_batch))
        report.batches += 1
        next_expected_offset = last_offset + 1
        pos = end
    return batches, next_expected_offset


def read_entries(path, entry_size, fmt):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) % entry_size != 0:
        return None, "size %d is not a multiple of %d" % (len(data), entry_size)
    entries = []
    for i in range(0, len(data), entry_size):
        entry = struct.unpack_from(fmt, data, i)
        # Kafka preallocates index files; zeroed entries after the first are free space.
        if i > 0 and all(v == 0 for v in entry):
            break
        entries.append(entry)
    return entries, None


def check_offset_index(path, segment_base, batches, report):
    label = os.path.basename(path)
    entries, error = read_entries(path, 8, ">ii")
    if error:
        report.problem("%s: %s" % (label, error))
        return
    by_position = {b.position: i for i, b in enumerate(batches)}
    last_offset = batches[-1].last_offset if batches else segment_base - 1
    previous = None
    for n, (relative, position) in enumerate(entries):
        offset = segment_base + relative
        where = "%s entry %d (offset %d -> position %d)" % (label, n, offset, position)
        if previous is not None and (offset <= previous[0] or position <= previous[1]):
            report.problem("%s does not increase after offset %d -> position %d" % (where, previous[0], previous[1]))
        previous = (offset, position)
        index = by_position.get(position)
        if index is None:
            report.problem("%s: no batch starts at that position" % where)
            continue
        # A lookup of any offset >= this entry starts scanning here, so nothing at or past
        # the entry's offset may sit in an earlier batch.
        if index > 0 and batches[index - 1].last_offset >= offset:
            report.problem("%s: the batch before that position already reaches offset %d" % (where, batches[index - 1].last_offset))
        if offset > last_offset:
            report.problem("%s points past the segment's last offset %d" % (where, last_offset))


def check_time_index(path, segment_base, batches, report):
    label = os.path.basename(path)
    entries, error = read_entries(path, 12, ">qi")
    if error:
        report.problem("%s: %s" % (label, error))
        return
    if not batches:
        if entries and entries[0] != (0, 0):
            report.problem("%s has entries but its segment has no batches" % label)
        return
    last_offset = batches[-1].last_offset
    previous = None
    for n, (timestamp, relative) in enumerate(entries):
        offset = segment_base + relative
        where = "%s entry %d (timestamp %d -> offset %d)" % (label, n, timestamp, offset)
        if previous is not None and (timestamp <= previous[0] or offset < previous[1]):
            report.problem("%s does not follow timestamp %d -> offset %d in order" % (where, previous[0], previous[1]))
        previous = (timestamp, offset)
        if offset < segment_base or offset > last_offset:
            report.problem("%s lies outside the segment's offsets %d..%d" % (where, segment_base, last_offset))
            continue
        holder = next((i for i, b in enumerate(batches) if b.base_offset <= offset <= b.last_offset), None)
        if holder is None:
            report.problem("%s: no batch holds that offset" % where)
            continue
        before = max((b.max_timestamp for b in batches[:holder]), default=None)
        through = max(b.max_timestamp for b in batches[: holder + 1])
        # Lookups by time scan forward from the entry: every earlier batch must be older.
        if before is not None and before > timestamp:
            report.problem("%s: an earlier batch already has timestamp %d" % (where, before))
        if timestamp > through:
            report.problem("%s: no record up to that batch has so late a timestamp (latest is %d)" % (where, through))


def describe(record):
    return "offset %s key=%s value=%s headers=%s timestamp=%s" % (
        record.get("offset"),
        json.dumps(record.get("key")),
        json.dumps(record.get("value")),
        json.dumps(record.get("headers", [])),
        record.get("timestamp"),
    )


def compare_records(expected, actual, report):
    diffs = []
    for i in range(max(len(expected), len(actual))):
        want = expected[i] if i < len(expected) else None
        got = actual[i] if i < len(actual) else None
        if want is None:
            diffs.append("unexpected record: %s" % describe(got))
            continue
        if got is None:
            diffs.append("missing record: %s" % describe(want))
            continue
        fields = []
        for field in ("offset", "timestamp", "key", "value"):
            if field in want and want[field] != got[field]:
                fields.append("%s expected %s, found %s" % (field, json.dumps(want[field]), json.dumps(got[field])))
        want_headers = [list(h) for h in want.get("headers", [])]
        if want_headers != got["headers"]:
            fields.append("headers expected %s, found %s" % (json.dumps(want_headers), json.dumps(got["headers"])))
        if fields:
            diffs.append("record #%d (offset %s): %s" % (i, want.get("offset"), "; ".join(fields)))
    for diff in diffs[:MAX_DIFFS_SHOWN]:
        report.problem(diff)
    if len(diffs) > MAX_DIFFS_SHOWN:
        report.problem("... and %d more differences" % (len(diffs) - MAX_DIFFS_SHOWN))


def check_partition(log_dir, name, expected, check_indexes):
    report = PartitionReport(name)
    directory = os.path.join(log_dir, name)
    if not os.path.isdir(directory):
        report.problem("no partition directory %s" % directory)
        return report
    segments = sorted(
        (int(m.group(1)), entry) for entry in os.listdir(directory) for m in [SEGMENT_NAME.match(entry)] if m
    )
    if not segments:
        report.problem("no <20-digit base offset>.log segment files in %s" % directory)
    actual = []
    next_offset = None
    for segment_base, filename in segments:
        batches, next_offset = read_segment(os.path.join(directory, filename), segment_base, report, next_offset)
        if check_indexes:
            stem = os.path.join(directory, filename[: -len(".log")])
            if os.path.exists(stem + ".index"):
                check_offset_index(stem + ".index", segment_base, batches, report)
            if os.path.exists(stem + ".timeindex"):
                check_time_index(stem + ".timeindex", segment_base, batches, report)
        for batch in batches:
            if batch.is_control:
                continue  # transaction markers: consumers never see them as records
            for record in batch.records:
                actual.append(
                    {
                        "offset": record.offset,
                        "timestamp": record.timestamp,
                        "key": text_or_none(record.key),
                        "value": text_or_none(record.value),
                        "headers": [[k, text_or_none(v)] for k, v in record.headers],
                    }
                )
    report.records = len(actual)
    compare_records(expected, actual, report)
    return report


def write_result(path, passed, failed):
    if not path:
        return
    with open(path, "w") as f:
        json.dump({"passed": passed, "failed": failed}, f)


def main(argv):
    args = list(argv)
    check_indexes = True
    result_path = os.environ.get("STREAMLAB_STEP_RESULT")
    if "--no-index" in args:
        args.remove("--no-index")
        check_indexes = False
    if "--result" in args:
        i = args.index("--result")
        if i + 1 >= len(args):
            sys.stderr.write("--result needs a path\n")
            return 2
        result_path = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    log_dir, manifest_path = args
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        sys.stderr.write("cannot read manifest %s: %s\n" % (manifest_path, error))
        write_result(result_path, 0, 1)
        return 2
    if not isinstance(manifest, dict) or not manifest:
        sys.stderr.write("manifest %s must be a non-empty object of \"<topic>-<partition>\": [records]\n" % manifest_path)
        write_result(result_path, 0, 1)
        return 2

    reports = [check_partition(log_dir, name, manifest[name], check_indexes) for name in sorted(manifest)]
    for report in reports:
        if report.ok:
            print("ok   %s: %d batches, %d records" % (report.name, report.batches, report.records))
        else:
            print("FAIL %s: %d batches, %d records" % (report.name, report.batches, report.records))
            for problem in report.problems:
                print("     - %s" % problem)
    if os.path.isdir(log_dir):
        unlisted = sorted(
            d for d in os.listdir(log_dir) if os.path.isdir(os.path.join(log_dir, d)) and d not in manifest
        )
        if unlisted:
            print("not in the manifest, not checked: %s" % ", ".join(unlisted))
    passed = sum(1 for r in reports if r.ok)
    failed = len(reports) - passed
    print("kafka-python decoded %d partitions: %d matched, %d differ" % (len(reports), passed, failed))
    write_result(result_path, passed, failed)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
