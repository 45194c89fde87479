"""What an audit writes stays byte for byte what was recorded (``tests/golden/outputs.json``).

Restructurings must not change outputs; a change meant to change them re-records with
``python -m tests.golden.outputs record`` and says so in its commit. The generated 100k case
is checked by hand (``python -m tests.golden.outputs check --generated``): it takes minutes.
"""

import json

import pytest

from tests.golden.outputs import RECORD, audit_hashes, cases

RECORDED = json.loads(RECORD.read_text())
CASES = cases()


@pytest.mark.parametrize("mode", ["whole", "chunked"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_are_the_recorded_bytes(name, mode):
    expected = RECORDED[f"{name} [{mode}]"]
    assert audit_hashes(CASES[name], low_memory=mode == "chunked") == expected
