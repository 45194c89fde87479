"""replydiag: how much of your customer care is templated, and how much is personal.

>>> import replydiag
>>> result = replydiag.audit(replydiag.sample_path())
>>> 0 <= result.templated_share <= 1
True
"""

from pathlib import Path
from typing import Any

from .api import Export, analyze, audit, load
from .errors import FormatError, InputError, MappingError, ReplydiagError, SettingsError
from .models import Kind, RowAccounting, Settings
from .result import AuditResult
from .version import __version__


def sample_path() -> Path:
    """Path of the bundled sample export (see ``replydiag.samples``)."""
    from .samples import sample_path as _sample_path

    return _sample_path()


def write_audit(result: AuditResult, out_dir: str | Path, **options: Any) -> dict[str, Path]:
    """Write what ``replydiag audit --out DIR`` writes: replies.csv, templates.csv,
    summary.json and report.html / report.md (see ``replydiag.report.audit.write_audit``).

    Imported on call, so ``import replydiag`` does not load the report's Jinja and matplotlib.
    """
    from .report.audit import write_audit as _write_audit

    return _write_audit(result, out_dir, **options)


__all__ = [
    "AuditResult",
    "Export",
    "FormatError",
    "InputError",
    "Kind",
    "MappingError",
    "ReplydiagError",
    "RowAccounting",
    "Settings",
    "SettingsError",
    "__version__",
    "analyze",
    "audit",
    "load",
    "sample_path",
    "write_audit",
]
