"""Boilerplate learned from the data: the openings and endings an agent puts on every reply.

Signatures, sign-offs glued to the text ("Thanks-Emir") and footers are boilerplate when
nothing marks them off: a chat or tweet flattens "Best regards, Paul Weber, Customer Care
Team" into the last words of the reply. Normalising finds the marked ones; this finds the
rest from how they behave. An agent's ending is the longest run of words that closes at least
``EDGE_SHARE`` of that agent's distinct replies, after at least ``EDGE_CONTEXTS`` different
words (so a template the agent sends often is not taken for a signature: it counts once as
a distinct reply, and it follows nothing), and that the team's other agents seldom use (a
closing line the whole team sends is stock text, not a signature). Openings are found the
same way. Both are taken
off the matching keys before matching, so a personal reply never resembles a template
through its signature.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .distinct import first_rows
from .memory import repeated_strings
from .normalize import arrow_strings

EDGE_SHARE = 0.15
EDGE_MIN_REPLIES = 5
EDGE_CONTEXTS = 5
EDGE_WORDS = (4, 14)  # shortest and longest run taken for an edge
SLOT_CONTEXT_WORDS = 3  # words past an edge's varied word that ...
SLOT_CONTEXT_SHARE = 0.8  # ... this share of its replies repeat: a template's slot, no edge
OTHERS_SHARE = 0.1  # the other agents' replies with the edge, per reply of the agent's
SAMPLE = 5_000  # distinct replies per agent the edges are learned from
TEAM_SAMPLE = 50_000  # distinct replies of the whole team the edges are checked against


@dataclass(frozen=True)
class Boilerplate:
    """Learned edges per agent: ``openings`` and ``endings`` as tuples of key words."""

    openings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    endings: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.openings or self.endings)

    def table(self) -> pd.DataFrame:
        """One row per learned edge: agent, where (opening or ending) and its words."""
        rows = [(a, "opening", " ".join(w)) for a, w in self.openings.items()]
        rows += [(a, "ending", " ".join(w)) for a, w in self.endings.items()]
        return pd.DataFrame(rows, columns=["agent", "edge", "words"]).sort_values(
            ["agent", "edge"], ignore_index=True
        )

    def strip(
        self, keys: list[str], masked: pd.Series, codes: np.ndarray, agents: pd.Series
    ) -> tuple[np.ndarray, list[str], pd.Series]:
        """Row codes, keys and masked texts with each row's agent's edges taken off.

        A key is only cut where words remain: a reply that is all signature stays as it is.
        Only the replies of agents with an edge are touched.
        """
        pair_of_row, pair_code, pair_agent = _code_agent_pairs(codes, agents)
        new_keys = np.asarray(keys, dtype=object)[pair_code]
        edged = np.flatnonzero(pd.Series(pair_agent).isin(set(self.openings) | set(self.endings)).to_numpy())
        # Only the texts of agents with an edge come out of Arrow as Python strings: at a
        # million replies all of them were a few hundred MB held through the next stage.
        texts = pa.array(masked.astype("string[pyarrow]"), type=pa.large_string())
        edged_texts = texts.take(pa.array(pair_code[edged])).to_pylist()
        # Per agent once: each edge as key text (keys are words joined by single spaces, so a
        # key holds the edge and more words exactly when it ends with " " + the edge) and as
        # written (a pattern for the masked text).
        cuts = {
            agent: (
                _EdgeCut(self.endings.get(agent, ()), at_end=True),
                _EdgeCut(self.openings.get(agent, ()), at_end=False),
            )
            for agent in set(self.openings) | set(self.endings)
        }
        for n, i in enumerate(edged):
            key, text = new_keys[i], edged_texts[n] or ""
            for cut in cuts[pair_agent[i]]:
                key, text = cut(key, text)
            new_keys[i], edged_texts[n] = key, text
        stripped_codes, uniques = pd.factorize(pd.Series(new_keys, dtype=object), sort=False)
        # The first masked text of each new key stands for it, as the first reply's did.
        first = first_rows(stripped_codes, len(uniques))
        position_of_pair = np.full(len(pair_code), -1, dtype=np.int64)
        position_of_pair[edged] = np.arange(len(edged))
        cut = position_of_pair[first]
        new_masked = pc.replace_with_mask(
            texts.take(pa.array(pair_code[first])),
            pa.array(cut >= 0),
            pa.array([edged_texts[i] for i in cut[cut >= 0]], type=pa.large_string()),
        )
        return (
            stripped_codes[pair_of_row],
            [str(k) for k in uniques],
            arrow_strings(new_masked, pd.RangeIndex(len(first))),
        )


def learn(keys: list[str], codes: np.ndarray, agents: pd.Series) -> Boilerplate:
    """Each agent's recurring opening and ending, from their distinct replies.

    >>> keys = [f"{w} best regards paul weber care team" for w in ("refund sent", "on its way", "label fixed",
    ...         "box replaced", "card updated", "ok")] + ["thanks", "sorry", "on its way"]
    >>> b = learn(keys, np.arange(9), pd.Series(["paul"] * 6 + ["ann"] * 3))
    >>> b.endings
    {'paul': ('best', 'regards', 'paul', 'weber', 'care', 'team')}
    """
    _, pair_code, pair_agent = _code_agent_pairs(codes, agents)
    pairs = pd.DataFrame({"code": pair_code, "agent": pair_agent})
    rng = np.random.default_rng(0)
    words_of: dict[str, list[list[str]]] = {}
    for agent, group in pairs.groupby("agent", sort=True):
        chosen = group["code"].to_numpy()
        if len(chosen) > SAMPLE:
            chosen = rng.choice(chosen, SAMPLE, replace=False)
        words_of[agent] = [keys[c].split() for c in chosen]
    # The team at large: a sample of everyone's replies, each agent weighing as many
    # distinct replies as they wrote (an edge all write is no one's signature).
    team = pairs["code"].to_numpy()
    if len(team) > TEAM_SAMPLE:
        team = rng.choice(team, TEAM_SAMPLE, replace=False)
    everyone = [keys[c].split() for c in team]
    team_heads = _HeadCounts(everyone)
    team_tails = _HeadCounts([w[::-1] for w in everyone])
    share_of = pairs.groupby("agent").size() / len(pairs)
    openings, endings = {}, {}
    for agent, words in words_of.items():
        if len(words) < EDGE_MIN_REPLIES:
            continue
        ending = _edge([w[::-1] for w in words], team_tails, float(share_of[agent]))
        if ending:
            endings[agent] = ending[::-1]
        opening = _edge(words, team_heads, float(share_of[agent]))
        if opening:
            openings[agent] = opening
    return Boilerplate(openings, endings)


def _code_agent_pairs(codes: np.ndarray, agents: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (key code, agent) pairs in order of first appearance, as each pair's
    code and agent, and the pair of each row. Counted on integers: a Python string per row
    for the agent was the peak of a ten-million-row audit."""
    # Category codes (``pipeline.agents`` gives categories already); a missing agent is "<NA>".
    coded = repeated_strings(agents)
    names = coded.cat.categories.astype(str).append(pd.Index(["<NA>"]))
    agent = coded.cat.codes.to_numpy().astype(np.int64)
    agent[agent < 0] = len(names) - 1
    width = len(names)
    pair_of_row, pairs = pd.factorize(codes.astype(np.int64) * width + agent)
    return pair_of_row, pairs // width, np.asarray(names.astype(object), dtype=object)[pairs % width]


class _HeadCounts:
    """How many of some texts start with each run of words, per run length (counted on demand)."""

    def __init__(self, words: list[list[str]]) -> None:
        self.words = words
        self.counts: dict[int, Counter] = {}

    def share(self, head: tuple[str, ...]) -> float:
        length = len(head)
        if length not in self.counts:
            self.counts[length] = Counter(tuple(w[:length]) for w in self.words if len(w) > length)
        return self.counts[length][head] / max(len(self.words), 1)


def _edge(words: list[list[str]], team: _HeadCounts, agent_share: float) -> tuple[str, ...]:
    """The longest leading run shared by ``EDGE_SHARE`` of the texts, before varied words, and
    the agent's own: the rest of the team seldom starts (ends) with it. A run the whole team
    uses is stock text ("we'll take a look backstage"), which is what is being measured."""
    need = max(EDGE_MIN_REPLIES, int(np.ceil(EDGE_SHARE * len(words))))
    shortest, longest = EDGE_WORDS
    # A longer run is never more common than its shortest head: when no shortest head
    # recurs enough, no edge does (most agents have none), and one count settles it.
    heads = Counter(tuple(w[:shortest]) for w in words if len(w) > shortest)
    if not heads or heads.most_common(1)[0][1] < need:
        return ()
    for length in range(longest, shortest - 1, -1):
        heads = Counter(tuple(w[:length]) for w in words if len(w) > length)
        if not heads:
            continue
        head, count = heads.most_common(1)[0]
        if count < need:
            continue
        held = [w for w in words if len(w) > length and tuple(w[:length]) == head]
        if len({w[length] for w in held}) < EDGE_CONTEXTS:
            continue
        # The varied word is a template's slot, not the start of the agent's own text, when
        # the words past it are the same in most of these replies: "... our courier {DHL,
        # UPS, Evri ...} was unable to find it on monday" is a macro, not a signature.
        past = Counter(
            tuple(w[length + 1 : length + 1 + SLOT_CONTEXT_WORDS])
            for w in held
            if len(w) > length + SLOT_CONTEXT_WORDS
        )
        if past and past.most_common(1)[0][1] >= SLOT_CONTEXT_SHARE * len(held):
            continue
        # Of the team's replies with this edge, the agent's should be nearly all.
        own = agent_share * count / len(words)
        if team.share(head) <= own * (1 + OTHERS_SHARE):
            return head
    return ()


class _EdgeCut:
    """One learned edge taken off a key and its masked text, where the key holds it and more.

    >>> _EdgeCut(("best", "paul"), at_end=True)("thanks best paul", "Thanks! Best, Paul")
    ('thanks', 'Thanks')
    >>> _EdgeCut(("best", "paul"), at_end=True)("best paul", "Best, Paul")
    ('best paul', 'Best, Paul')
    """

    def __init__(self, words: tuple[str, ...], *, at_end: bool) -> None:
        self.at_end = at_end
        self.words = " ".join(words)
        self.pattern = _edge_pattern(words, at_end=at_end) if words else None

    def __call__(self, key: str, text: str) -> tuple[str, str]:
        if self.pattern is None:
            return key, text
        if self.at_end and key.endswith(" " + self.words):
            return key[: -len(self.words) - 1], self.pattern.sub("", text)
        if not self.at_end and key.startswith(self.words + " "):
            return key[len(self.words) + 1 :], self.pattern.sub("", text)
        return key, text


def _edge_pattern(words: tuple[str, ...], *, at_end: bool) -> re.Pattern[str]:
    """The edge as written: its words with any punctuation or spacing between them."""
    body = r"[^\w{}]+".join(re.escape(w) for w in words)
    if at_end:
        return re.compile(r"[^\w{}]*" + body + r"[^\w{}]*$", re.IGNORECASE)
    return re.compile(r"^[^\w{}]*" + body + r"[^\w{}]*", re.IGNORECASE)
