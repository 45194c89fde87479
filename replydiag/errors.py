"""One error hierarchy: every message names the file, what was found, and the fix.

The CLI catches ``ReplydiagError`` only, prints ``str(error)`` on one line and exits
with ``error.exit_code``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class ReplydiagError(Exception):
    """Base class. ``code`` is stable and machine-readable; the message is for people."""

    code = "replydiag-error"
    exit_code = 2

    def __init__(self, message: str, *, path: object | None = None, hint: str | None = None):
        self.path = str(path) if path is not None else None
        self.hint = hint
        self.message = message
        super().__init__(self.format())

    def format(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}:")
        parts.append(self.message.rstrip("."))
        text = " ".join(parts)
        if self.hint:
            text += f". {self.hint}"
        return text.replace("\n", " ")

    def to_dict(self) -> dict:
        return {"code": self.code, "path": self.path, "message": self.message, "hint": self.hint}


class InputError(ReplydiagError):
    """The export cannot be read at all (missing, empty, binary, undecodable)."""

    code = "input-error"


class FormatError(ReplydiagError):
    """The export was read but its layout is not usable (no text column, ragged rows)."""

    code = "format-error"


class NoMessagesError(FormatError):
    """The file holds records but no message text (a folder's side file: users, channels).
    ``people``: the names it lists by id, if it lists people (``ingest.people``)."""

    code = "no-messages"

    def __init__(
        self,
        message: str,
        *,
        path: object | None = None,
        hint: str | None = None,
        people: dict[str, str] | None = None,
    ):
        super().__init__(message, path=path, hint=hint)
        self.people = people or {}


class MappingError(ReplydiagError):
    """A ``--map`` / ``--format`` override names an unknown field, column or format."""

    code = "mapping-error"


class SettingsError(ReplydiagError):
    """A setting is out of range or a config file is invalid."""

    code = "settings-error"


class OutputError(ReplydiagError):
    """The output folder cannot be written (a file in its place, read-only, full)."""

    code = "output-error"
