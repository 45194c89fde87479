"""The hand-labelled real set: sampling replies to label, showing their neighbours, scoring.

Labels (``benchmarks/labels/pass1.csv``, ``pass2.csv``) hold ids and kinds only; the text is
read from ``../shared/realdata/`` (never copied: non-commercial licence). Labelling follows
``../shared/LABELLING.md``: a fixed-seed random sample per source, each reply read next to its
nearest neighbours in the same source, labelled before looking at replydiag's verdict.

    python benchmarks/realset.py show --source Walmart --start 0 --count 20   # what a reader sees
    python benchmarks/realset.py score --peers                               # replydiag and peers
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
LABELS = Path(__file__).resolve().parent / "labels"
SEED = 20261127


@dataclass(frozen=True)
class Source:
    name: str
    path: str
    sample: int
    # One brand of a multi-brand file: its replies are sampled, and read beside each other.
    account: str | None = None


SOURCES = (
    Source("Walmart", "twcs-brands/Walmart.csv", 80),
    Source("AskRBC", "twcs-brands/AskRBC.csv", 80),
    Source("Delta", "delta-amazon/oct_delta.csv", 80),
    Source("AmazonHelp", "delta-amazon/amzn_cs.csv", 80),
    Source("AppleSupport", "twcs-brands/AppleSupport.csv", 60),
    Source("SpotifyCares", "twcs-brands/SpotifyCares.csv", 60),
    Source("IBM", "ibm-twitter-care/dev.json", 40),
    Source("twcs-head", "twcs-head.csv", 40),
    # Added in session 5, to check the engine on brands it was not tuned with.
    Source("McDonalds", "twcs-brands/McDonalds.csv", 40),
    Source("NikeSupport", "twcs-brands/NikeSupport.csv", 40),
    Source("AirAsiaSupport", "twcs-brands/AirAsiaSupport.csv", 40),
    # Added in session 19: brands of the multi-brand file, each a small team's export.
    Source("ChipotleTweets", "twcs-head.csv", 20, account="ChipotleTweets"),
    Source("Uber_Support", "twcs-head.csv", 20, account="Uber_Support"),
    Source("British_Airways", "twcs-head.csv", 20, account="British_Airways"),
    Source("comcastcares", "twcs-head.csv", 20, account="comcastcares"),
    Source("TMobileHelp", "twcs-head.csv", 20, account="TMobileHelp"),
    Source("SouthwestAir", "twcs-head.csv", 20, account="SouthwestAir"),
    # Added in session 26: four more brands of the multi-brand file, none labelled before.
    Source("Tesco", "twcs-head.csv", 20, account="Tesco"),
    Source("AmericanAir", "twcs-head.csv", 20, account="AmericanAir"),
    Source("AskPlayStation", "twcs-head.csv", 20, account="AskPlayStation"),
    Source("VerizonSupport", "twcs-head.csv", 20, account="VerizonSupport"),
    Source("XboxSupport", "twcs-head.csv", 20, account="XboxSupport"),
    Source("AdobeCare", "twcs-head.csv", 20, account="AdobeCare"),
    Source("AskeBay", "twcs-head.csv", 20, account="AskeBay"),
    # Added in session 27: three more brands of the multi-brand file, none labelled before.
    Source("BofA_Help", "twcs-head.csv", 20, account="BofA_Help"),
    Source("hulu_support", "twcs-head.csv", 20, account="hulu_support"),
    Source("sprintcare", "twcs-head.csv", 20, account="sprintcare"),
    # ... and three more later in session 27.
    Source("ATVIAssist", "twcs-head.csv", 20, account="ATVIAssist"),
    Source("Ask_Spectrum", "twcs-head.csv", 20, account="Ask_Spectrum"),
    Source("CoxHelp", "twcs-head.csv", 20, account="CoxHelp"),
    # ... and three more at the end of session 27.
    Source("ArgosHelpers", "twcs-head.csv", 20, account="ArgosHelpers"),
    Source("Ask_WellsFargo", "twcs-head.csv", 20, account="Ask_WellsFargo"),
    Source("UPSHelp", "twcs-head.csv", 20, account="UPSHelp"),
    # ... and four more in session 28.
    Source("marksandspencer", "twcs-head.csv", 20, account="marksandspencer"),
    Source("AlaskaAir", "twcs-head.csv", 20, account="AlaskaAir"),
    Source("VirginTrains", "twcs-head.csv", 20, account="VirginTrains"),
    Source("AskPapaJohns", "twcs-head.csv", 20, account="AskPapaJohns"),
    # session 29: Weibo help desks (Huawei, China Unicom, Sogou, ...), English translation
    Source("NTCIR-en", "ntcir-helpdesk/test_data_en.json", 40),
)
BY_NAME = {s.name: s for s in SOURCES}

# A reader's masked copy: lower case, handles, links, digits and sign-offs out of the way.
_MASKS = (
    (re.compile(r"https?://\S+"), " link "),
    (re.compile(r"[@＠]\w+"), " "),
    (re.compile(r"(?:\s|^)[\^*/~-]\s?[A-Z][A-Za-z]{0,2}\s*$"), " "),
    (re.compile(r"\d+"), "0"),
)


def reader_copy(text: str) -> str:
    for pattern, repl in _MASKS:
        text = pattern.sub(repl, text)
    return " ".join(text.lower().split())


@cache
def replies_of(name: str) -> pd.DataFrame:
    """The agent replies of a source, as replydiag reads them (ids and text only)."""
    import replydiag

    source = BY_NAME[name]
    export = replydiag.load(REALDATA / source.path)
    frame = export.replies[["reply_id", "text", "agent"]].copy()
    if source.account is not None:
        frame = frame[frame["agent"].astype(str) == source.account]
    frame = frame.drop(columns="agent")
    frame["reply_id"] = frame["reply_id"].astype(str)
    frame["text"] = frame["text"].astype(str)
    return frame.reset_index(drop=True)


def sample_of(name: str) -> pd.DataFrame:
    """A fixed-seed random sample of a source's replies; a brand of a multi-brand file leaves
    out the replies its whole file's sample already holds (one label per reply)."""
    replies = replies_of(name)
    source = BY_NAME[name]
    if source.account is not None:
        whole = [s.name for s in SOURCES if s.path == source.path and s.account is None]
        taken = set().union(*(set(sample_of(w)["reply_id"]) for w in whole))
        replies = replies[~replies["reply_id"].isin(taken)]
    rng = np.random.default_rng(SEED)
    picks = rng.choice(len(replies), size=min(BY_NAME[name].sample, len(replies)), replace=False)
    return replies.iloc[np.sort(picks)]


def neighbours(name: str, position: int, top: int = 3) -> list[tuple[str, str, str]]:
    """The nearest replies of the same source by ratio, token_set_ratio and partial_ratio."""
    replies = replies_of(name)
    copies = [reader_copy(t) for t in replies["text"]]
    query = copies[position]
    found: dict[int, str] = {}
    for scorer in (fuzz.ratio, fuzz.token_set_ratio, fuzz.partial_ratio):
        for _, score, i in process.extract(query, copies, scorer=scorer, limit=top + 1):
            if i != position and i not in found:
                found[i] = f"{scorer.__name__[:5]}={score:.0f}"
    return [(replies["reply_id"][i], tag, replies["text"][i]) for i, tag in found.items()]


def recurrence(name: str, position: int) -> int:
    """How many other replies of the source are near copies of this one (partial_ratio >= 90)."""
    copies = [reader_copy(t) for t in replies_of(name)["text"]]
    scores = process.cdist([copies[position]], copies, scorer=fuzz.partial_ratio, score_cutoff=90)
    return int((scores[0] > 0).sum()) - 1


def show(name: str, start: int, count: int, reverse: bool = False) -> None:
    """Print sampled replies beside their neighbours (``reverse``: last first, for a second pass
    that does not follow the first one's order)."""
    sample = sample_of(name)
    sample = (sample.iloc[::-1] if reverse else sample).iloc[start : start + count]
    for position, row in sample.iterrows():
        print(f"=== {name} {row.reply_id}  (near copies: {recurrence(name, int(position))})")
        print(f"  > {row.text}")
        for rid, tag, text in neighbours(name, int(position)):
            print(f"    [{tag} {rid}] {text[:220]}")


LABEL_COLUMNS = ["source", "reply_id", "label", "group", "evidence_id", "note"]


def record(name: str, start: int, count: int, calls: list[str], default: str, labels_file: Path) -> None:
    """Append a reader's calls for sampled replies ``start:start+count`` of a source.

    ``calls`` are ``reply_id=label[:group[:evidence_id[:note]]]``; every other reply of the
    range gets ``default``.
    """
    sample = sample_of(name).iloc[start : start + count]
    given = {}
    for call in calls:
        rid, _, rest = call.partition("=")
        parts = (rest.split(":", 3) + ["", "", ""])[:4]
        given[rid] = parts
    unknown = set(given) - set(sample["reply_id"])
    if unknown:
        raise SystemExit(f"not in {name}[{start}:{start + count}]: {sorted(unknown)}")
    rows = [[name, rid, *(given.get(rid) or [default, "", "", ""])] for rid in sample["reply_id"]]
    frame = pd.DataFrame(rows, columns=LABEL_COLUMNS)
    assert frame["label"].isin(["template", "edited", "personal", "automatic"]).all(), frame["label"].unique()
    if labels_file.exists():
        old = pd.read_csv(labels_file, dtype=str, keep_default_na=False)
        old = old[~((old["source"] == name) & old["reply_id"].isin(frame["reply_id"]))]
        frame = pd.concat([old, frame])
    labels_file.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(labels_file, index=False)
    print(f"{labels_file.name}: {len(frame)} labels")


TEMPLATED = {"template", "edited", "automatic"}


@dataclass(frozen=True)
class Verdicts:
    """What a method said about each labelled reply: templated or not, and its family."""

    templated: pd.Series  # bool by reply_id
    family: pd.Series  # family id (or NA) by reply_id


def replydiag_verdicts(name: str) -> Verdicts:
    import replydiag

    result = replydiag.audit(REALDATA / BY_NAME[name].path)
    replies = result.replies.assign(reply_id=result.replies["reply_id"].astype(str)).set_index("reply_id")
    replies = replies[~replies.index.duplicated()]
    return Verdicts(replies["kind"].astype(str).isin(TEMPLATED), replies["template_id"].astype("string"))


MIN_SUPPORT = 3  # a peer's cluster of this many replies is a template, as replydiag's default


def peer_verdicts(peer: str):
    """Verdicts of a peer method (``benchmarks/peers.py``) given the masked text replydiag compares."""
    from peers import PEERS

    def verdicts(name: str) -> Verdicts:
        import replydiag

        export = replydiag.load(REALDATA / BY_NAME[name].path)
        masked = export.distinct.masked_of(export.replies).astype(str).str.lower().tolist()
        clusters = PEERS[peer](masked)
        sizes = pd.Series(clusters).map(pd.Series(clusters).value_counts())
        ids = export.replies["reply_id"].astype(str).to_numpy()
        templated = pd.Series((sizes >= MIN_SUPPORT).to_numpy(), index=ids)
        family = pd.Series(pd.Series(clusters).astype(str).to_numpy(), index=ids, dtype="string")
        keep = ~templated.index.duplicated()
        return Verdicts(templated[keep], family.where(templated)[keep])

    return verdicts


def pairwise_f1(truth: pd.Series, found: pd.Series) -> tuple[float, int]:
    """Pairwise F1 of two clusterings of the same replies (NA = a cluster of its own)."""

    def pairs(labels: pd.Series) -> set[tuple[str, str]]:
        out = set()
        for _, members in labels.dropna().groupby(labels.dropna()):
            ids = sorted(members.index)
            out.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
        return out

    t, f = pairs(truth), pairs(found)
    if not t and not f:
        return 1.0, 0
    tp = len(t & f)
    precision = tp / len(f) if f else 0.0
    recall = tp / len(t) if t else 0.0
    return (2 * precision * recall / (precision + recall) if tp else 0.0), len(t)


def agreed_labels(labels_dir: Path = LABELS) -> pd.DataFrame:
    """Pass 1 labels, kept where pass 2 (when present) agrees on templated vs personal."""
    first = pd.read_csv(labels_dir / "pass1.csv", dtype=str, keep_default_na=False)
    second_path = labels_dir / "pass2.csv"
    if not second_path.exists():
        return first
    second = pd.read_csv(second_path, dtype=str, keep_default_na=False)
    both = first.merge(
        second[["source", "reply_id", "label"]], on=["source", "reply_id"], suffixes=("", "_2")
    )
    agree = both["label"].isin(TEMPLATED) == both["label_2"].isin(TEMPLATED)
    return both[agree].drop(columns="label_2")


def score(method, labels: pd.DataFrame) -> pd.DataFrame:
    """Per source and overall: n, accuracy, templated precision/recall/F1, share error, family F1."""
    rows = []
    truths, founds, groups, families = [], [], [], []
    for name, part in labels.groupby("source", sort=False):
        verdicts = method(name)
        ids = part["reply_id"]
        # A labelled message the method does not read as a reply (a broadcast post) is scored
        # as not templated, and counted in ``unread``.
        found = verdicts.templated.reindex(ids).fillna(False).to_numpy(dtype=bool)
        unread = int((~ids.isin(verdicts.templated.index)).sum())
        truth = part["label"].isin(TEMPLATED).to_numpy()
        group = pd.Series(part["group"].replace("", pd.NA).to_numpy(), index=name + ":" + ids)
        # Family ids name a text, so two exports may share one: a family never spans sources.
        family = pd.Series((name + ":" + verdicts.family.reindex(ids)).to_numpy(), index=name + ":" + ids)
        rows.append(_figures(name, truth, found, group, family) | {"unread": unread})
        truths.append(truth), founds.append(found), groups.append(group), families.append(family)
    rows.append(
        _figures(
            "all",
            np.concatenate(truths),
            np.concatenate(founds),
            pd.concat(groups),
            pd.concat(families),
            worst_share=max(abs(r["share_error_pp"]) for r in rows),
        )
        | {"unread": sum(r["unread"] for r in rows)}
    )
    return pd.DataFrame(rows).set_index("source")


def _figures(name, truth, found, group, family, worst_share=None) -> dict:
    tp = int((truth & found).sum())
    precision = tp / found.sum() if found.sum() else 0.0
    recall = tp / truth.sum() if truth.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    family_f1, _ = pairwise_f1(group, family.where(found))
    share_error = 100 * (found.mean() - truth.mean())
    return {
        "source": name,
        "n": len(truth),
        "labelled_share": round(100 * truth.mean(), 1),
        "found_share": round(100 * found.mean(), 1),
        "share_error_pp": round(share_error if worst_share is None else worst_share, 1),
        "accuracy": round(float((truth == found).mean()), 3),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "family_f1": round(family_f1, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    scoring = sub.add_parser("score")
    scoring.add_argument("--peers", action="store_true", help="also score Drain3, MinHash-LSH and cdist")
    for command in ("show", "record"):
        s = sub.add_parser(command)
        s.add_argument("--source", required=True, choices=list(BY_NAME))
        s.add_argument("--start", type=int, default=0)
        s.add_argument("--count", type=int, default=20)
        if command == "show":
            s.add_argument("--reverse", action="store_true")
        if command == "record":
            s.add_argument("--labels", type=Path, default=LABELS / "pass1.csv")
            s.add_argument("--default", default="personal")
            s.add_argument("calls", nargs="*")
    args = parser.parse_args()
    if args.command == "score":
        pd.set_option("display.width", 160)
        labels = agreed_labels()
        print(f"replydiag (labelled replies: {len(labels)})")
        print(score(replydiag_verdicts, labels).to_string())
        if args.peers:
            rows = {"replydiag": score(replydiag_verdicts, labels).loc["all"]}
            for peer in ("drain3", "minhash-lsh", "cdist-cc"):
                rows[peer] = score(peer_verdicts(peer), labels).loc["all"]
            print("\nall sources, every method on the same labelled replies")
            print(pd.DataFrame(rows).T.to_string())
    elif args.command == "show":
        show(args.source, args.start, args.count, args.reverse)
    else:
        record(args.source, args.start, args.count, args.calls, args.default, args.labels)


if __name__ == "__main__":
    main()
