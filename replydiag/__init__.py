"""replydiag: how much of your customer care is templated, and how much is personal.

>>> import replydiag
>>> result = replydiag.audit(replydiag.sample_path())
>>> 0 <= result.templated_share <= 1
True
"""

from .api import Export, analyze, audit, load
from .errors import FormatError, InputError, MappingError, ReplydiagError, SettingsError
from .models import Kind, RowAccounting, Settings
from .result import AuditResult
from .version import __version__


def sample_path():
    """Path of the bundled sample export (see ``replydiag.samples``)."""
    from .samples import sample_path as _sample_path

    return _sample_path()


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
    "analyze",
    "audit",
    "load",
    "sample_path",
    "__version__",
]
