"""The methods a user would pick instead of replydiag, each returning a cluster id per reply."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


def drain3_clusters(texts: list[str]) -> np.ndarray:
    from drain3 import TemplateMiner
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    return np.array([miner.add_log_message(t)["cluster_id"] for t in texts], dtype=np.int64)


def cdist_clusters(texts: list[str], threshold: float = 85) -> np.ndarray:
    from rapidfuzz import fuzz, process

    scores = process.cdist(
        texts, texts, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8, workers=-1
    )
    graph = sparse.csr_matrix(scores > 0)
    return connected_components(graph, directed=False)[1]


def minhash_clusters(texts: list[str], threshold: float = 0.6, num_perm: int = 128) -> np.ndarray:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    rows, cols = [], []
    for i, text in enumerate(texts):
        words = text.split()
        shingles = {" ".join(words[j : j + 3]) for j in range(max(len(words) - 2, 1))}
        m = MinHash(num_perm=num_perm)
        m.update_batch([s.encode("utf-8") for s in shingles])
        for j in lsh.query(m):
            rows.append(i)
            cols.append(j)
        lsh.insert(i, m)
    n = len(texts)
    graph = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


PEERS = {"drain3": drain3_clusters, "cdist-cc": cdist_clusters, "minhash-lsh": minhash_clusters}
