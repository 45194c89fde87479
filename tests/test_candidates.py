"""The array search for candidate pairs finds exactly what the index it stands for would."""

from collections import Counter

import numpy as np
import pytest
from rapidfuzz import fuzz

from replydiag import features
from replydiag.candidates import ANCHORS, FEW_PAIRS, MAX_POSTING, alike_pairs, candidate_pairs


def _indexed_one_key_at_a_time(prefixes: list[list[int]], eligible: np.ndarray) -> set[tuple[int, int]]:
    """The rule written as a loop: an index of each key's anchors, a pair keeping its first
    ``MAX_POSTING`` keys; each key counts the earlier keys met under its prefix pairs."""
    index: dict[int, list[int]] = {}
    for key, prefix in enumerate(prefixes):
        if eligible[key]:
            for pair in prefix[:ANCHORS]:
                index.setdefault(pair, []).append(key)
    index = {pair: keys[:MAX_POSTING] for pair, keys in index.items()}
    found = set()
    for key, prefix in enumerate(prefixes):
        if not eligible[key]:
            continue
        met = Counter(j for pair in prefix for j in index.get(pair, []) if j < key)
        need = 2 if len(prefix) >= FEW_PAIRS else 1
        found.update((key, j) for j, hits in met.items() if hits >= need)
    return found


@pytest.mark.parametrize("seed", range(5))
def test_candidate_pairs_are_those_of_the_index_they_stand_for(seed):
    rng = np.random.default_rng(seed)
    # Few distinct pairs, so posting lists fill past MAX_POSTING and the cap is exercised.
    prefixes = [
        sorted(set(rng.integers(0, 25, size=rng.integers(0, 9)).tolist()), key=lambda _: rng.random())
        for _ in range(300)
    ]
    eligible = np.array([bool(p) and rng.random() > 0.1 for p in prefixes])
    flat = np.array([pair for p in prefixes for pair in p], dtype=np.int32)
    start = np.concatenate([[0], np.cumsum([len(p) for p in prefixes])])

    found = candidate_pairs(flat, start, eligible)

    assert {tuple(row) for row in found.tolist()} == _indexed_one_key_at_a_time(prefixes, eligible)
    assert len(found) > 100  # the case is not vacuous
    assert found.tolist() == sorted(found.tolist())


def test_alike_pairs_keep_those_at_the_threshold_with_their_ratio():
    keys = np.array(
        ["your order has shipped today", "your order has shiped today", "totally different"], dtype=object
    )
    pairs = np.array([[1, 0], [2, 0], [2, 1]])

    kept, score = alike_pairs(keys, pairs, threshold=85)

    assert kept.tolist() == [[1, 0]]
    # The same figure the scalar scorer gives (float64: a float32 score could cross the threshold).
    assert score.tolist() == [fuzz.ratio(keys[1], keys[0])]


@pytest.mark.parametrize("seed", range(3))
def test_features_of_word_ids_are_those_of_the_keys_text(seed, monkeypatch):
    """The rewording search hands over word ids where it has them: the features must be the
    text's, down to the order of equally rare pairs (which decides the candidates met)."""
    monkeypatch.setattr(features, "FEATURE_CHUNK", 7)  # several chunks, words first seen in later ones
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i}" for i in range(40)])
    keys = [list(rng.integers(0, 40, size=rng.integers(1, 9))) for _ in range(60)]
    text = [" ".join(vocabulary[k]) for k in keys]
    # Word ids as a caller holds them: scattered in one flat array, out of the keys' order.
    flat = np.concatenate([np.array(k, dtype=np.uint64) * 3 + 1 for k in reversed(keys)])
    lengths = np.array([len(k) for k in reversed(keys)])
    start = (np.cumsum(lengths) - lengths)[::-1]
    end = start + lengths[::-1]
    from_ids = features.token_pair_features(flat, start, end)
    from_text = features.word_pair_features(text)
    for name in ("owner", "ids", "prefix", "prefix_start"):
        assert np.array_equal(getattr(from_ids, name), getattr(from_text, name)), name
