"""``--config replydiag.toml``: column map, thresholds, agent aliases, excluded authors, period.

Never read implicitly: only the file named on the command line (or passed to ``load_config``).

```toml
period = "week"
format = "zendesk"            # optional
[map]
text = "Body"
[settings]
threshold = 85
min_support = 3
[agents]
exclude = ["Support Bot"]
[agents.aliases]
"Tom B." = "Tom Baker"
"tbaker" = "Tom Baker"
```
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import SettingsError
from .metrics import PERIODS
from .models import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_SETTING_NAMES = {f.name for f in fields(Settings)}


@dataclass(frozen=True)
class Config:
    """A run's options from a config file, with the command line's values over them."""

    column_map: dict[str, str] = field(default_factory=dict)
    format: str | None = None
    settings: Settings = field(default_factory=Settings)
    agent_aliases: dict[str, str] = field(default_factory=dict)
    exclude_agents: tuple[str, ...] = ()
    period: str | None = None

    def overridden(
        self,
        *,
        column_map: dict[str, str] | None = None,
        format: str | None = None,
        period: str | None = None,
        **settings: Any,
    ) -> Config:
        """This config with the values given here taking precedence (``None`` keeps the file's).

        >>> Config(column_map={"text": "Body"}).overridden(column_map={"agent": "Who"}, threshold=90).settings.threshold
        90.0
        """
        return replace(
            self,
            column_map={**self.column_map, **(column_map or {})},
            format=format or self.format,
            period=period or self.period,
            settings=self.settings.with_changes(**settings),
        )

    def audit_options(self) -> dict[str, Any]:
        """Keyword arguments of ``replydiag.audit`` for this config."""
        return {
            "format": self.format,
            "column_map": self.column_map,
            "settings": self.settings,
            "agent_aliases": self.agent_aliases,
            "exclude_agents": self.exclude_agents,
        }


def load_config(path: str | Path | None) -> Config:
    """Read and validate a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError("config file not found", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"is not valid TOML ({exc})", path=path) from exc
    known = {"map", "format", "settings", "agents", "period"}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(
            f"unknown config keys: {', '.join(sorted(unknown))}",
            path=path,
            hint=f"Known keys are: {', '.join(sorted(known))}",
        )
    settings = dict(data.get("settings", {}))
    bad = set(settings) - _SETTING_NAMES
    if bad:
        raise SettingsError(
            f"unknown settings: {', '.join(sorted(bad))}",
            path=path,
            hint=f"Settings are: {', '.join(sorted(_SETTING_NAMES))}",
        )
    try:
        validated = Settings(**settings)
    except SettingsError as exc:
        raise SettingsError(exc.message, path=path, hint=exc.hint) from exc
    except (TypeError, ValueError) as exc:  # e.g. threshold = "high"
        raise SettingsError(
            f"a setting has a value of the wrong type ({exc})",
            path=path,
            hint="Write numbers as numbers: threshold = 85",
        ) from exc
    agents = data.get("agents", {})
    period = data.get("period")
    if period is not None and period not in PERIODS:
        raise SettingsError(f"period must be one of {', '.join(PERIODS)}, got {period!r}", path=path)
    return Config(
        column_map={str(k): str(v) for k, v in data.get("map", {}).items()},
        format=data.get("format"),
        settings=validated,
        agent_aliases={str(k): str(v) for k, v in agents.get("aliases", {}).items()},
        exclude_agents=tuple(str(a) for a in agents.get("exclude", [])),
        period=period,
    )
