"""Random exports through ``replydiag.audit``: every one is read with balanced figures or
refused with replydiag's own one-line error, never a traceback.

    python benchmarks/fuzz.py json --seeds 0 1000    # nested JSON of help-desk keys and values
    python benchmarks/fuzz.py csv --seeds 0 800      # tables of help-desk headers and cells
    python benchmarks/fuzz.py conversations --seeds 0 300   # a brand answering customers

Prints each kind of failure with how often it happened and the first seed that shows it
(run that seed alone to see the file: it is left in the working folder). Exits 1 on any.
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import random
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

import replydiag
from replydiag.errors import ReplydiagError

KEYS = [
    "id", "text", "body", "message", "content", "author", "author_id", "role", "type", "created_at",
    "date", "timestamp", "messages", "comments", "data", "users", "from", "to", "public", "private",
    "is_draft", "state", "status", "conversation_id", "ticket_id", "name", "sender", "recipient",
    "in_reply_to", "channel", "via", "source", "parts", "conversation_parts", "items", "results",
    "record", "payload", "tweet", "full_text", "user", "inbound", "direction", "thread_ts", "ts",
    "transcript", "Body", "events",
]  # fmt: skip
HEADERS = KEYS + ["Agent", "Customer message", "Our reply", "Transcript", "Date", "Sender type", "From: (Name)",
                  "To: (Name)", "Subject", "Description"]  # fmt: skip
CELLS = [
    "Hi Ann, your refund is on its way.", "Thanks!", "agent", "customer", "end-user", "bot",
    "2026-03-01T10:00:00Z", "yesterday", "1700000000", "( 5s ) Tom: hi\n( 9s ) Ann: help\n( 12s ) Tom: sure",
    "<p>Hello <b>there</b></p>", "", " ", "null", "draft", "note", "comment", "Order: 1\nStatus: x\nCarrier: y",
    "@ann_c sorry! ^TK", "RT @ann: love it", "🙂", "a" * 300,
]  # fmt: skip
SENTENCES = [
    "Your refund was sent to your card today and should arrive soon.",
    "Please send us your order number so we can take a look.",
    "I have been waiting for two weeks and nothing has arrived at all.",
    "We are sorry for the trouble this has caused you today.",
    "Can you tell us which version of the app you are using right now?",
    "Thanks!",
    "ok",
]


def _scalar(r: random.Random) -> object:
    roll = r.random()
    if roll < 0.55:
        return r.choice(CELLS)
    if roll < 0.7:
        return r.randint(-5, 10**12)
    if roll < 0.78:
        return r.random() * 1e9
    if roll < 0.86:
        return r.choice([True, False])
    return None


def _value(r: random.Random, depth: int) -> object:
    roll = r.random()
    if depth > 4 or roll < 0.5:
        return _scalar(r)
    if roll < 0.75:
        return _object(r, depth + 1)
    return [
        _value(r, depth + 1) if r.random() < 0.3 else _object(r, depth + 1) for _ in range(r.randint(0, 5))
    ]


def _object(r: random.Random, depth: int) -> dict:
    return {r.choice(KEYS): _value(r, depth) for _ in range(r.randint(0, 7))}


def json_export(r: random.Random, folder: Path) -> Path:
    document = [_object(r, 1) for _ in range(r.randint(1, 12))] if r.random() < 0.5 else _object(r, 0)
    path = folder / "export.json"
    path.write_text(json.dumps(document))
    return path


def csv_export(r: random.Random, folder: Path) -> Path:
    columns = r.sample(HEADERS, r.randint(1, 7))
    rows = [
        [r.choice(CELLS) if r.random() < 0.8 else str(r.randint(0, 99)) for _ in columns]
        for _ in range(r.randint(1, 40))
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=r.choice([",", ";", "\t"]))
    writer.writerow(columns)
    writer.writerows(rows)
    path = folder / "export.csv"
    path.write_text(out.getvalue())
    return path


def conversations_export(r: random.Random, folder: Path) -> Path:
    """A brand answering customers, with or without conversation ids and recipients."""
    brand = r.choice(["AcmeHelp", "Support Team", "555"])
    # Some brands answer in a word or two only: then every long sentence is a customer's.
    brand_says = SENTENCES[-2:] if r.random() < 0.3 else SENTENCES
    records = []
    for c in range(r.randint(1, 12)):
        customer = f"cust{r.randint(0, 6)}"
        for t in range(r.randint(1, 5)):
            author = brand if (t % 2 == 1 or r.random() < 0.2) else customer
            record = {
                "id": f"{c}-{t}",
                "author": author,
                "text": " ".join(
                    r.choice(brand_says if author == brand else SENTENCES) for _ in range(r.randint(1, 3))
                ),
                "created_at": f"2026-03-0{1 + t % 9}T1{c % 10}:00:00Z",
            }
            if r.random() < 0.7:
                record["conversation_id"] = f"c{c}"
            if r.random() < 0.3:
                record["to"] = customer if author == brand else brand
            records.append(record)
    path = folder / "export.json"
    path.write_text(json.dumps(records))
    return path


MAKERS: dict[str, Callable[[random.Random, Path], Path]] = {
    "json": json_export,
    "csv": csv_export,
    "conversations": conversations_export,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kind", choices=sorted(MAKERS))
    parser.add_argument("--seeds", nargs=2, type=int, default=(0, 200), metavar=("FIRST", "COUNT"))
    args = parser.parse_args(argv)
    first, count = args.seeds
    failures: collections.Counter[str] = collections.Counter()
    example: dict[str, int] = {}
    folder = Path(tempfile.mkdtemp(prefix="replydiag-fuzz-"))
    for seed in range(first, first + count):
        path = MAKERS[args.kind](random.Random(seed), folder)
        try:
            result = replydiag.audit(path)
            failure = None if result.accounting.balanced else "accounting does not add up"
        except ReplydiagError:
            failure = None
        except Exception as exc:  # what this looks for: anything but replydiag's own errors
            where = traceback.extract_tb(exc.__traceback__)[-1]
            failure = f"{type(exc).__name__}: {str(exc)[:80]} at {Path(where.filename).name}:{where.lineno}"
        if failure:
            failures[failure] += 1
            example.setdefault(failure, seed)
    print(
        f"{args.kind}: {count} exports (seeds {first}-{first + count - 1}), {sum(failures.values())} failed"
    )
    for failure, times in failures.most_common():
        print(f"  {times} x {failure} (first: seed {example[failure]})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
