"""The hand-labelled real set (``benchmarks/realset.py``): the engine's agreement with careful
readers must not slip. Floors sit a little under the figures measured at f18895a (n=631:
accuracy 0.916, F1 0.894, family F1 0.732; unseen brands F1 0.915-0.955) and, with six
small brands of the multi-brand file added in session 19, with each brand account analysed as
its own team (n=751: accuracy 0.915, F1 0.884, family F1 0.705; those six brands, n=120:
accuracy 0.933), so a change that costs
real-reply accuracy fails here, not months later in a manager's report. Skipped when
``../shared/realdata`` is absent."""

import importlib.util
import sys

import pytest

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("realset", ROOT / "benchmarks" / "realset.py")
realset = importlib.util.module_from_spec(spec)
sys.modules["realset"] = realset  # its dataclasses look their module up by name
spec.loader.exec_module(realset)

pytestmark = pytest.mark.skipif(not realset.REALDATA.exists(), reason="../shared/realdata not present")


def test_agreement_with_the_labelled_real_replies_holds():
    table = realset.score(realset.replydiag_verdicts, realset.agreed_labels())
    overall = table.loc["all"]
    assert overall["n"] >= 1140
    assert overall["accuracy"] >= 0.90
    # 0.869 at n = 891, 0.862 at n = 1011, 0.858 at n = 1070 and at n = 1150. (0.884 on the 751 labelled
    # before session 26: the sixteen brands added since reword their stock messages each
    # time, which the engine misses; the bar follows the figure measured, not the one hoped for.)
    assert overall["f1"] >= 0.855
    assert overall["family_f1"] >= 0.65
    # Brands the engine was never tuned with.
    for brand in ("McDonalds", "NikeSupport", "AirAsiaSupport"):
        assert table.loc[brand, "f1"] >= 0.88, brand
    # Small teams (20 labelled replies each, most of them personal): judged together, as
    # a brand's F1 on one or two templated replies says nothing.
    small = [s.name for s in realset.SOURCES if s.account is not None]
    assert len(small) == 26
    together = table.loc[small]
    assert (together["accuracy"] * together["n"]).sum() / together["n"].sum() >= 0.90


def test_a_brand_of_a_multi_brand_file_is_sampled_from_its_own_replies_only():
    whole = set(realset.sample_of("twcs-head")["reply_id"])
    for source in (s for s in realset.SOURCES if s.account is not None):
        sample = realset.sample_of(source.name)
        assert len(sample) == source.sample
        assert set(sample["reply_id"]) <= set(realset.replies_of(source.name)["reply_id"])
        assert not set(sample["reply_id"]) & whole, source.name  # one label per reply
