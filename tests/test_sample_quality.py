"""The engine against the ground truth of labelled synthetic exports."""

import pandas as pd
import pytest

import replydiag
from replydiag.samples import SampleConfig, generate, truth_path
from tests.conftest import SAMPLE


def scores(path):
    result = replydiag.audit(path)
    truth = pd.read_csv(truth_path(path), dtype=str).fillna("")
    merged = result.replies.merge(truth, on="reply_id", suffixes=("", "_true"))
    assert len(merged) == len(truth) == len(result.replies)
    predicted = merged["kind"].astype(str) != "personal"
    actual = merged["kind_true"] != "personal"
    tp = (predicted & actual).sum()
    precision, recall = tp / predicted.sum(), tp / actual.sum()
    edited = merged[merged["kind_true"] == "edited"]
    return {
        "f1": 2 * precision * recall / (precision + recall),
        "share_error_pp": 100 * abs(predicted.mean() - actual.mean()),
        "edited_recall": (edited["kind"].astype(str) == "edited").mean(),
        "automatic_recall": (
            merged.loc[merged["kind_true"] == "automatic", "kind"].astype(str) == "automatic"
        ).mean(),
    }


def test_bundled_sample_meets_the_quality_targets():
    s = scores(SAMPLE)
    assert s["f1"] >= 0.98
    assert s["share_error_pp"] <= 1.0
    assert s["edited_recall"] >= 0.8
    assert s["automatic_recall"] == 1.0


@pytest.mark.parametrize("seed", [11, 12])
def test_other_seeds_meet_the_targets_too(tmp_path, seed):
    path = generate(tmp_path / f"s{seed}.csv", SampleConfig(replies=1200, seed=seed))
    s = scores(path)
    assert s["f1"] >= 0.97 and s["share_error_pp"] <= 1.5 and s["edited_recall"] >= 0.8
