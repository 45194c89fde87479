"""replydiag against its peers: accuracy on labelled exports, time and memory at scale.

    python benchmarks/run.py quality --replies 5000 --seeds 1 2 3
    python benchmarks/run.py scale --sizes 100000 1000000
    python benchmarks/run.py memory --replies 3000000        # a ~1.2 GB export

Each method runs in a subprocess (``python benchmarks/run.py one ...``) so its wall time and
peak RSS are its own; the parent prints one table and ratios against the named peers.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MIN_SUPPORT = 3


# --- one method, in its own process --------------------------------------------------------


def run_one(method: str, export: Path, out: Path) -> None:
    start = time.perf_counter()
    if method == "pyarrow-read":
        # The floor: a plain read of the same file into Arrow, no analysis (no labels to score).
        from pyarrow import csv

        table = csv.read_csv(export, parse_options=csv.ParseOptions(newlines_in_values=True))
        labels = pd.DataFrame({"reply_id": [], "kind": [], "cluster": []})
        assert table.num_rows
    elif method == "replydiag":
        # End to end, as a user runs it: read -> analyse -> files written.
        subprocess.run(
            [sys.executable, "-m", "replydiag.cli", "audit", str(export), "--out", str(out / "audit")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        replies = pd.read_csv(
            out / "audit" / "replies.csv", dtype=str, usecols=["reply_id", "kind", "template_id"]
        )
        labels = pd.DataFrame(
            {
                "reply_id": replies["reply_id"],
                "kind": replies["kind"],
                "cluster": replies["template_id"].fillna(""),
            }
        )
    else:
        from peers import PEERS

        import replydiag
        from replydiag.normalize import clean, mask

        # Every peer reads the whole file into memory (as a user of it would): the text is kept.
        export_data = replydiag.load(export, low_memory=False)
        replies = export_data.replies
        texts = mask(clean(replies["text"])["body"]).str.lower().fillna("").tolist()
        clusters = PEERS[method](texts)
        sizes = np.bincount(clusters)
        templated = sizes[clusters] >= MIN_SUPPORT
        automatic = replies["automatic_flag"].to_numpy(
            dtype=bool
        )  # every peer may read the export's bot flag
        kind = np.where(automatic, "automatic", np.where(templated, "template", "personal"))
        labels = pd.DataFrame(
            {
                "reply_id": replies["reply_id"],
                "kind": kind,
                "cluster": np.where(templated | automatic, clusters.astype(str), ""),
            }
        )
        pd.DataFrame({"reply_id": replies["reply_id"]}).to_csv(out / "written.csv", index=False)
    seconds = time.perf_counter() - start
    labels.to_csv(out / "labels.csv", index=False)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (out / "stats.json").write_text(json.dumps({"seconds": seconds, "peak_mb": max(children, own) / 1024}))


def measure(method: str, export: Path, limit: float | None = None) -> tuple[pd.DataFrame, dict]:
    """Run one method in its own process; past ``limit`` seconds it is stopped and its time
    reported as the limit, marked ``timed_out`` (so a ratio against it is a bound)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        try:
            subprocess.run(
                [sys.executable, __file__, "one", method, str(export), str(out)], check=True, timeout=limit
            )
        except subprocess.TimeoutExpired:
            empty = pd.DataFrame({"reply_id": [], "kind": [], "cluster": []})
            return empty, {"seconds": float(limit or 0), "peak_mb": float("nan"), "timed_out": True}
        return pd.read_csv(out / "labels.csv", dtype=str, keep_default_na=False), {
            **json.loads((out / "stats.json").read_text()),
            "timed_out": False,
        }


# --- scoring ---------------------------------------------------------------------------------


def _pairs(counts: np.ndarray) -> float:
    counts = counts.astype(float)
    return float((counts * (counts - 1) / 2).sum())


def score(labels: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    m = truth.merge(labels, on="reply_id", suffixes=("_true", ""))
    assert len(m) == len(truth), "every labelled reply must be scored"
    pred_t = m["kind"] != "personal"
    true_t = m["kind_true"] != "personal"
    tp = float((pred_t & true_t).sum())
    precision = tp / max(pred_t.sum(), 1)
    recall = tp / max(true_t.sum(), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    per_agent = m.assign(p=pred_t, t=true_t).groupby("agent")[["p", "t"]].mean()
    # Pairwise clustering scores: personal replies are singletons on both sides.
    true_c = np.where(true_t, m["template"], "personal#" + m["reply_id"])
    pred_c = np.where(pred_t & (m["cluster"] != ""), "c#" + m["cluster"], "single#" + m["reply_id"])
    both = pd.crosstab(true_c, pred_c, dropna=False) if len(m) < 20000 else None
    joint = pd.Series(1, index=pd.MultiIndex.from_arrays([true_c, pred_c])).groupby(level=[0, 1]).size()
    tp_pairs = _pairs(joint.to_numpy())
    pred_pairs = _pairs(pd.Series(pred_c).value_counts().to_numpy())
    true_pairs = _pairs(pd.Series(true_c).value_counts().to_numpy())
    del both
    pp = tp_pairs / max(pred_pairs, 1)
    pr = tp_pairs / max(true_pairs, 1)
    edited = m["kind_true"] == "edited"
    return {
        "share_err_pp": 100 * abs(pred_t.mean() - true_t.mean()),
        "agent_mae_pp": 100 * float((per_agent["p"] - per_agent["t"]).abs().mean()),
        "reply_p": precision,
        "reply_r": recall,
        "reply_f1": f1,
        "pair_p": pp,
        "pair_r": pr,
        "pair_f1": 2 * pp * pr / max(pp + pr, 1e-9),
        "edited_recall": float((m.loc[edited, "kind"] == "edited").mean()) if edited.any() else float("nan"),
    }


# --- the two reports ---------------------------------------------------------------------------


def quality(args) -> None:
    from replydiag.samples import SampleConfig, generate, truth_path

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            export = generate(
                Path(tmp) / f"labelled-{seed}.csv", SampleConfig(replies=args.replies, seed=seed)
            )
            truth = pd.read_csv(truth_path(export), dtype=str, keep_default_na=False)
            for method in ["replydiag", "drain3", "cdist-cc", "minhash-lsh"]:
                if method == "cdist-cc" and args.replies > args.cdist_max:
                    continue
                labels, stats = measure(method, export)
                stats.pop("timed_out")
                rows.append({"method": method, "seed": seed, **score(labels, truth), **stats})
    table = pd.DataFrame(rows).groupby("method", sort=False).mean(numeric_only=True).drop(columns="seed")
    print(f"\nQuality on labelled exports: {args.replies:,} replies x seeds {args.seeds} (mean)\n")
    print(table.round(3).to_string())
    better = {}
    for col in table.columns:
        if col in ("seconds", "peak_mb"):
            continue
        ours, peers = table.loc["replydiag", col], table.drop(index="replydiag")[col]
        lower_is_better = col.endswith("_pp")
        better[col] = bool((ours < peers).all() if lower_is_better else (ours > peers).all())
    print("\nreplydiag ahead of every peer on:", ", ".join(k for k, v in better.items() if v) or "none")
    behind = [k for k, v in better.items() if not v]
    if behind:
        print("not ahead on:", ", ".join(behind))


def scale(args) -> None:
    from replydiag.samples import SampleConfig, generate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            export = generate(Path(tmp) / f"scale-{size}.csv", SampleConfig(replies=size, seed=99, weeks=26))
            methods = ["pyarrow-read", "replydiag", "drain3"] + (
                ["cdist-cc"] if size <= args.cdist_max else []
            )
            for method in methods:
                limit = None if method in ("pyarrow-read", "replydiag") else args.peer_limit
                _labels, stats = measure(method, export, limit)
                rows.append({"replies": size, "method": method, **stats})
                late = f" (stopped at the {limit:.0f} s limit)" if stats["timed_out"] else ""
                print(
                    f"  {size:>9,} {method:12s} {stats['seconds']:8.1f} s {stats['peak_mb']:8.0f} MB{late}",
                    flush=True,
                )
    table = pd.DataFrame(rows).set_index(["replies", "method"])
    print("\nTime and peak memory (end to end: read -> labels written)\n")
    print(table.round(1).to_string())
    for size in args.sizes:
        ours = table.loc[(size, "replydiag")]
        for peer_name in ("drain3", "pyarrow-read"):
            peer = table.loc[(size, peer_name)]
            bound = "<= " if peer["timed_out"] else ""
            print(
                f"{size:>9,} replies: replydiag {ours['seconds']:.1f} s / {peer_name} {peer['seconds']:.1f} s = "
                f"{bound}{ours['seconds'] / peer['seconds']:.2f}x the time; "
                f"memory {ours['peak_mb'] / peer['peak_mb']:.2f}x"
            )
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        growth = table.loc[(large, "replydiag"), "seconds"] / table.loc[(small, "replydiag"), "seconds"]
        print(
            f"replydiag time grows {growth:.1f}x from {small:,} to {large:,} replies ({large // small}x the data)"
        )


MEMORY_METHODS = {
    # An audit as a user runs it, the default (chunked above 256 MB) and forced whole-file.
    "replydiag": ["audit", "--low-memory"],
    "replydiag-whole": ["audit", "--no-low-memory"],
}


def run_memory_one(method: str, export: Path, out: Path) -> None:
    start = time.perf_counter()
    if method == "pandas-read_csv":
        # The peer: only reading the file into a DataFrame, as any pandas-based tool must.
        frame = pd.read_csv(export, dtype=str)  # the C engine: the pyarrow one refuses line breaks in cells
        assert len(frame)
    else:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "replydiag.cli",
                *MEMORY_METHODS[method],
                str(export),
                "--out",
                str(out / "audit"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (out / "stats.json").write_text(json.dumps({"seconds": seconds, "peak_mb": max(children, own) / 1024}))


def memory(args) -> None:
    from replydiag.samples import SampleConfig, generate

    with tempfile.TemporaryDirectory() as tmp:
        export = args.export or generate(
            Path(tmp) / "memory.csv", SampleConfig(replies=args.replies, seed=8, weeks=26)
        )
        size_mb = export.stat().st_size / 2**20
        rows = []
        for method in ["pandas-read_csv", "replydiag", "replydiag-whole"]:
            with tempfile.TemporaryDirectory() as run_dir:
                subprocess.run(
                    [sys.executable, __file__, "memory-one", method, str(export), run_dir], check=True
                )
                stats = json.loads((Path(run_dir) / "stats.json").read_text())
            rows.append({"method": method, **stats, "peak_per_file_mb": stats["peak_mb"] / size_mb})
            print(f"  {method:16s} {stats['seconds']:8.1f} s {stats['peak_mb']:8.0f} MB", flush=True)
    table = pd.DataFrame(rows).set_index("method")
    print(f"\nPeak memory on a {size_mb:,.0f} MB export ({export.name})\n")
    print(table.round(2).to_string())
    ours, peer = table.loc["replydiag"], table.loc["pandas-read_csv"]
    print(
        f"replydiag audit peak / pandas.read_csv peak = {ours['peak_mb'] / peer['peak_mb']:.2f}x; "
        f"/ whole-file audit = {ours['peak_mb'] / table.loc['replydiag-whole', 'peak_mb']:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--replies", type=int, default=5000)
    q.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    q.add_argument("--cdist-max", type=int, default=20000)
    s = sub.add_parser("scale")
    s.add_argument("--sizes", type=int, nargs="+", default=[100000, 1000000])
    s.add_argument("--cdist-max", type=int, default=20000)
    s.add_argument("--peer-limit", type=float, default=600.0, help="seconds before a peer is stopped")
    m = sub.add_parser("memory")
    m.add_argument("--replies", type=int, default=3_000_000)
    m.add_argument("--export", type=Path, help="an existing export instead of a generated one")
    mem_one = sub.add_parser("memory-one")
    mem_one.add_argument("method")
    mem_one.add_argument("export", type=Path)
    mem_one.add_argument("out", type=Path)
    one = sub.add_parser("one")
    one.add_argument("method")
    one.add_argument("export", type=Path)
    one.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.command == "one":
        run_one(args.method, args.export, args.out)
    elif args.command == "memory-one":
        run_memory_one(args.method, args.export, args.out)
    elif args.command == "memory":
        memory(args)
    elif args.command == "quality":
        quality(args)
    else:
        scale(args)


if __name__ == "__main__":
    main()
