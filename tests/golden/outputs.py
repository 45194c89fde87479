"""Hashes of what an audit writes, recorded so a restructuring can prove it changed no byte.

    python -m tests.golden.outputs record      # after a change that is meant to change outputs
    python -m tests.golden.outputs check       # what tests/test_golden_outputs.py runs

Cases: the bundled sample, every file in ../shared/realdata (skipped where absent) and, with
``--generated``, a generated 100k-reply export; each read whole and in small chunks. Only
hashes are kept here: the real replies themselves never enter the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
RECORD = Path(__file__).with_name("outputs.json")
FILES = ("replies.csv", "templates.csv", "summary.json", "report.md", "report.html")
CHUNK_BYTES = 64 << 10  # small enough that every real file is read in several chunks
GENERATED_REPLIES = 100_000


def cases(generated: bool = False) -> dict[str, Path]:
    """Case name -> export path, for the inputs present on this machine."""
    found = {"sample": ROOT / "sample_exports" / "zendesk_sample.csv"}
    if REALDATA.exists():
        for path in sorted(REALDATA.rglob("*")):
            if path.suffix in (".csv", ".json"):
                found["realdata/" + path.relative_to(REALDATA).as_posix()] = path
    if generated:
        from replydiag.samples import SampleConfig, generate

        path = Path(tempfile.gettempdir()) / f"replydiag-golden-{GENERATED_REPLIES}.csv"
        if not path.exists():
            generate(path, SampleConfig(replies=GENERATED_REPLIES, seed=11))
        found[f"generated-{GENERATED_REPLIES}"] = path
    return found


def audit_hashes(path: Path, *, low_memory: bool) -> dict[str, str]:
    """sha256 of every file ``replydiag audit PATH --out DIR`` writes, in one memory mode."""
    from typer.testing import CliRunner

    import replydiag.ingest.read as load_module
    from replydiag.cli import app

    saved = load_module.CHUNK_BYTES
    load_module.CHUNK_BYTES = CHUNK_BYTES
    try:
        with tempfile.TemporaryDirectory() as out:
            flag = "--low-memory" if low_memory else "--no-low-memory"
            result = CliRunner().invoke(app, ["audit", str(path), "--out", out, flag])
            if result.exit_code != 0:
                raise RuntimeError(f"{path}: exit {result.exit_code}: {result.output}")
            return {name: hashlib.sha256((Path(out) / name).read_bytes()).hexdigest() for name in FILES}
    finally:
        load_module.CHUNK_BYTES = saved


def measure(generated: bool = False) -> dict[str, dict[str, str]]:
    return {
        f"{name} [{mode}]": audit_hashes(path, low_memory=mode == "chunked")
        for name, path in cases(generated).items()
        for mode in ("whole", "chunked")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["record", "check"])
    parser.add_argument("--generated", action="store_true", help="also the generated 100k export")
    args = parser.parse_args(argv)
    now = measure(args.generated)
    if args.action == "record":
        recorded = json.loads(RECORD.read_text()) if RECORD.exists() else {}
        recorded.update(now)
        RECORD.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(now)} cases in {RECORD}")
        return 0
    recorded = json.loads(RECORD.read_text())
    differ = [
        f"{case}: {name}"
        for case, files in now.items()
        for name, digest in files.items()
        if recorded.get(case, {}).get(name) != digest
    ]
    print("\n".join(differ) or f"all {len(now)} cases identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
