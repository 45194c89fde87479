"""Word forms: every spelling of one word meets on one canonical form."""

import pyarrow as pa

from replydiag.wording import _same, canonical_ids, canonical_keys


def _canonical(words: list[str]) -> list[str]:
    ids, forms = canonical_ids(pa.array(words))
    return [forms[int(i)].as_py() for i in ids]


def test_listed_forms_are_canonical_themselves():
    # "thx" listed as "thanks" while the plural rule reads "thanks" as "thank" had left the
    # two spellings apart: a listed form must map to itself.
    listed = sorted(set(_same().values()))
    assert _canonical(listed) == listed


def test_spellings_of_one_word_meet():
    assert len(set(_canonical(["thanks", "thx", "thank", "ty"]))) == 1
    assert len(set(_canonical(["problems", "problem", "issues", "trouble"]))) == 1


def test_a_stock_question_reworded_word_for_word_is_one_key():
    keys = canonical_keys(
        [
            "what kind of problems are you experiencing with your iphone",
            "what type of issue are you having with your iphone",
        ]
    )
    assert keys[0] == keys[1]


def test_the_map_keeps_the_number_of_words():
    text = "pls dm us we d love to assist u"
    assert len(canonical_keys([text])[0].split()) == len(text.split())
