"""The data files shipped inside the package (``replydiag/data/``): lists a team can read
and change without touching code."""

from __future__ import annotations

import sys
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def data_toml(name: str) -> dict[str, Any]:
    """The parsed TOML file ``replydiag/data/<name>``."""
    return tomllib.loads(resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8"))
