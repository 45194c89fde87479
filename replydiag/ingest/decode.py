"""Bytes to text, the way spreadsheets and help desks actually save files.

Order (see shared EXPORT_FORMATS.md): byte-order mark, UTF-16 without BOM, strict UTF-8,
then cp1252, then latin-1. A file whose lines mix UTF-8 and cp1252 is decoded line by line.
Mojibake inside cells (``â€™``) is repaired later, per cell, with ftfy.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import InputError
from .chat_text import is_chat_transcript

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    mixed_lines: int = 0  # lines decoded as cp1252 inside an otherwise UTF-8 file


# What an export file can be called; a folder or a zip stands for the files in it with these.
# (The .xml files of an office document's zip are its insides, not exports: ``_is_document``.
# Zendesk's XML export is a zip of tickets.xml, users.xml, ...)
EXPORT_SUFFIXES = (
    ".csv",
    ".tsv",
    ".json",
    ".ndjson",
    ".jsonl",
    ".xlsx",
    ".xml",
    ".mbox",
    ".eml",
    ".gz",
    ".zip",
)


def read_bytes(path: Path, member: str | None = None) -> bytes:
    """A file's bytes, unpacked from gzip or zip (``member`` names one file of a zip)."""
    if not path.exists():
        raise InputError("file not found", path=path, hint="Check the path, or quote a glob")
    if path.is_dir():
        raise InputError(
            "is a directory, not an export file",
            path=path,
            hint=f"Pass the files inside, e.g. '{path}/*.csv'",
        )
    try:
        if member is None:
            data = _unpacked(path.read_bytes(), path)
        else:  # one file of a zip, read alone: a dump of thousands of tickets is not read per ticket
            with zipfile.ZipFile(path) as archive:
                data = _unpacked(archive.read(member), path / member)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", path=path) from exc
    if not data[:65536].strip() and not data.strip():  # strip() copies: only when the head is blank
        raise InputError(
            "is empty (0 rows)", path=path, hint="Export the replies again; the file has no content"
        )
    return data


def _is_document(archive: zipfile.ZipFile) -> bool:
    """Whether a zip is an office document (Office Open XML: .docx, .xlsx, .pptx; or
    OpenDocument), whose XML files are its insides."""
    names = set(archive.namelist())
    return "[Content_Types].xml" in names or "mimetype" in names


def _export_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    if _is_document(archive):
        return []
    return [
        m
        for m in archive.infolist()
        if not m.is_dir()
        and not any(part.startswith((".", "__MACOSX")) for part in m.filename.split("/"))
        and (
            Path(m.filename).suffix.lower() in EXPORT_SUFFIXES
            or is_archive_messages(m.filename)
            # WhatsApp's "Export chat" zips its "_chat.txt" with the chat's photos.
            or (Path(m.filename).suffix.lower() == ".txt" and _chat_member(archive, m))
        )
    ]


# An X (Twitter) account archive's messages among its hundred other data files (likes,
# followers, ad engagements): its tweets and direct messages, in parts.
_ARCHIVE_MESSAGES = re.compile(r"(?:^|/)(?:tweets|direct-messages(?:-group)?)(?:-part\d+)?\.js$")


def is_archive_messages(name: str) -> bool:
    """Whether a file of an X archive holds its messages (``data/tweets.js``)."""
    return bool(_ARCHIVE_MESSAGES.search(name))


def _chat_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    with archive.open(member) as stream:
        return _holds_chat(stream)


def is_chat_file(path: Path) -> bool:
    """A text file holding a chat app's export (what a folder of exports may hold besides
    CSV and JSON files)."""
    with path.open("rb") as stream:
        return _holds_chat(stream)


def _holds_chat(stream: IO[bytes]) -> bool:
    return is_chat_transcript(stream.read(4096).decode("utf-8", "replace"))


def archive_members(path: Path) -> list[str]:
    """The export files inside a zip file holding several (API dumps: one ticket per file);
    empty for any other file, which is read as one export."""
    try:
        if not path.is_file() or not zipfile.is_zipfile(path):
            return []
        with zipfile.ZipFile(path) as archive:
            members = _export_members(archive)  # none in a workbook (``_is_document``)
    except (OSError, zipfile.BadZipFile):
        return []  # reading it as one file says what is wrong
    return [m.filename for m in members] if len(members) > 1 else []


def _unpacked(data: bytes, path: Path) -> bytes:
    """A gzip file's contents, or the export inside a zip file (an .xlsx workbook stays whole)."""
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"is a damaged gzip file ({exc})", path=path, hint="Download it again") from exc
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return data
                members = _export_members(archive)
                if not members:
                    raise _no_export_in_zip(archive, path)
                if len(members) != 1:
                    names = ", ".join(m.filename for m in members[:5])
                    raise InputError(
                        f"is a zip file with {len(members)} export files ({names or 'none'})",
                        path=path,
                        hint="Read it with replydiag.load() or the replydiag command, which read every file in it",
                    )
                return _unpacked(archive.read(members[0]), path)
        except zipfile.BadZipFile:
            return data  # not a readable zip after all: the binary check says what it is
    return data


def _no_export_in_zip(archive: zipfile.ZipFile, path: Path) -> InputError:
    """What a zip file holding no export is: an OpenDocument spreadsheet (a zip whose
    ``mimetype`` names it), or an archive of other files."""
    names = archive.namelist()
    if "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
        return InputError(
            "is an OpenDocument file (.ods), which replydiag does not read",
            path=path,
            hint="Save it as .xlsx or CSV (File > Save As) and run again",
        )
    shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
    return InputError(
        f"is a zip file with no export in it ({shown or 'empty'})",
        path=path,
        hint="Zip the CSV, JSON, NDJSON or .xlsx exports themselves",
    )


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text saved without a BOM has a NUL in every other byte of ASCII text."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def looks_binary(sample: bytes) -> bool:
    """True for files that are not text in any encoding we read (images, zip, xlsx)."""
    if sample.startswith((b"PK\x03\x04", b"\x89PNG", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"GIF8")):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12, 0))
    return controls > 0.05 * max(len(sample), 1)


def utf8_candidate(data: bytes, *, path: Path | str = "<data>") -> tuple[bytes, int, str] | None:
    """The bytes to hand a UTF-8 parser as they are, without decoding the whole file in Python.

    Returns (bytes, offset, encoding) for files that are UTF-8 or plain ASCII as far as the BOM and a
    first sample tell (the parser validates the rest), or None when the file needs
    ``decode_bytes`` (UTF-16/32, a BOM of another encoding, or a sample that is not UTF-8).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data, len(codecs.BOM_UTF8), "utf-8-sig"  # an offset, not a 3-byte-shorter copy
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    sample = data[:65536]
    if _utf16_without_bom(sample):
        return None
    if looks_binary(sample):
        raise InputError(
            "is a binary file, not a CSV or JSON export",
            path=path,
            hint="Export the replies as CSV, JSON or .xlsx (an old .xls workbook: save it as .xlsx or CSV)",
        )
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the end of the sample
            return None
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")  # stray NULs would end the parser's cell early
    return data, 0, "utf-8"


def decode_bytes(data: bytes, *, path: Path | str = "<data>") -> Decoded:
    """Decode an export's bytes, trying BOM, UTF-16, UTF-8, then cp1252 / latin-1.

    >>> decode_bytes("Perch\\u00e9".encode("cp1252")).encoding
    'cp1252'
    >>> decode_bytes(b"\\xef\\xbb\\xbfid,text\\n").text
    'id,text\\n'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(encoding.replace("-sig", "")), encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding} (byte {exc.start})",
                    path=path,
                    hint="Re-save the export as UTF-8",
                ) from exc

    sample = data[:65536]
    utf16 = _utf16_without_bom(sample)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16 + " (no BOM)")
        except UnicodeDecodeError:
            pass
    if looks_binary(sample):
        raise InputError(
            "is a binary file, not a CSV or JSON export",
            path=path,
            hint="Export the replies as CSV, JSON or .xlsx (an old .xls workbook: save it as .xlsx or CSV)",
        )
    if b"\x00" in data:
        # Stray NULs inside a text file: drop them rather than let the CSV parser stop there.
        data = data.replace(b"\x00", b"")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # Not UTF-8 as a whole. If most non-ASCII lines are UTF-8, the file was appended to by two
    # programs; decode line by line so neither part is garbled.
    lines = data.split(b"\n")
    utf8_ok = bad = 0
    for line in lines:
        if max(line, default=0) < 128:
            continue
        try:
            line.decode("utf-8")
            utf8_ok += 1
        except UnicodeDecodeError:
            bad += 1
    if utf8_ok > 0 and utf8_ok >= bad:
        out = []
        for line in lines:
            try:
                out.append(line.decode("utf-8"))
            except UnicodeDecodeError:
                out.append(_decode_single_byte(line))
        return Decoded("\n".join(out), "utf-8 (mixed with cp1252)", mixed_lines=bad)
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1")


def _decode_single_byte(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")
