#!/usr/bin/env python3
"""Checks the span offsets of a text export with Python's own string slicing.

Usage: check_text_offsets.py EXPORT.jsonl EXPECTED.json [--doccano]

EXPORT.jsonl is Shugu's JSONL export (spans as {"start", "end", "label"} objects,
counted in the line's "offset_unit"), or with --doccano a doccano export (spans as
[start, end, label] in "label" or "entities", counted in UTF-16 units).

EXPECTED.json is a JSON array with one entry per export line: the list of
[label, covered text] pairs of that line's spans, in order.

Python counts str indexes in code points, independently of the Rust code under
test. Exits 0 when every span covers its expected text, 1 with a message otherwise.
Plain python3, no packages.
"""

import json
import sys


def covered(text, unit, start, end):
    if unit == "codepoint":
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"[{start}, {end}) does not fit {len(text)} code points")
        return text[start:end]
    if unit == "utf16":
        data = text.encode("utf-16-le")
        if not 0 <= start <= end <= len(data) // 2:
            raise ValueError(f"[{start}, {end}) does not fit {len(data) // 2} UTF-16 units")
        return data[2 * start : 2 * end].decode("utf-16-le")
    if unit == "byte":
        data = text.encode("utf-8")
        if not 0 <= start <= end <= len(data):
            raise ValueError(f"[{start}, {end}) does not fit {len(data)} bytes")
        return data[start:end].decode("utf-8")
    raise ValueError(f"unknown offset unit {unit!r}")


def spans_of(record, doccano):
    if not doccano:
        unit = record.get("offset_unit", "codepoint")
        return unit, [(s["start"], s["end"], s["label"]) for s in record.get("spans", [])]
    spans = []
    for field in ("label", "entities"):
        for entry in record.get(field, []):
            if isinstance(entry, list):
                spans.append(tuple(entry))
            elif isinstance(entry, dict):
                spans.append((entry["start_offset"], entry["end_offset"], entry["label"]))
    return "utf16", spans


def check(export_path, expected_path, doccano):
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    # newline="" keeps a "\r" inside a line as it is; JSON strings escape theirs anyway.
    with open(export_path, encoding="utf-8", newline="") as f:
        lines = [line for line in f.read().split("\n") if line.strip()]
    errors = []
    if len(lines) != len(expected):
        errors.append(f"{len(lines)} export lines but {len(expected)} expected entries")
    for number, (line, want) in enumerate(zip(lines, expected), start=1):
        record = json.loads(line)
        text = record["text"]
        unit, spans = spans_of(record, doccano)
        got = []
        for start, end, label in spans:
            try:
                got.append([label, covered(text, unit, start, end)])
            except (ValueError, UnicodeDecodeError) as err:
                errors.append(f"line {number}: span [{start}, {end}) {label!r}: {err}")
        if got != want:
            errors.append(f"line {number}: spans cover {got!r}, expected {want!r}")
    return errors


def main(argv):
    args = [a for a in argv[1:] if a != "--doccano"]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    errors = check(args[0], args[1], "--doccano" in argv)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
