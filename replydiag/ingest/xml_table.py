"""An XML export (Zendesk's full XML export of tickets with their comments, other help desks'
Rails-style XML) read as the JSON of the same data would be.

Elements become objects, an element marked ``type="array"`` (or children of one name) a list,
text-only elements their text; names are as JSON writes them (``author-id`` is
``author_id``). The document's top-level elements are converted one at a time and then
dropped, so memory holds the records, not the XML tree. Parsing goes through ``defusedxml``:
an export is data from outside, and entity declarations (the "billion laughs") are refused.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..errors import FormatError
from .json_table import read_parsed
from .raw import RawTable

_DECLARED = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\b")
_ELEMENT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<[A-Za-z_][\w.:-]*[\s>/]")
_NOT_DATA = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|rss|feed)\b",
    re.IGNORECASE | re.DOTALL,
)
_SKIPPED_ATTRIBUTES = {"type", "nil", "count"}


def is_xml_export(head: bytes, suffix: str = "") -> bool:
    """Whether a file's first bytes open an XML document of data: declared as XML, or a
    ``.xml`` file opening with an element; not a web page or a feed.

    >>> is_xml_export(b'<?xml version="1.0"?><tickets type="array">'), is_xml_export(b"<tickets>", ".xml")
    (True, True)
    >>> is_xml_export(b"<!DOCTYPE html><html>"), is_xml_export(b"<p>Hi</p>,agent")
    (False, False)
    """
    opens = bool(_DECLARED.match(head)) or (suffix.lower() == ".xml" and bool(_ELEMENT.match(head)))
    return opens and not _NOT_DATA.match(head)


def read_xml(data: bytes, *, path: Path | str) -> RawTable:
    """The messages of an XML export, read as its JSON would be (``json_table.read_parsed``)."""
    document = _document(data, path)
    try:
        return read_parsed(document, path=path, said=["read as XML: elements as objects, arrays as lists"])
    except FormatError as error:  # said of the document as it is: XML, not JSON
        said = error.message.replace("a JSON", "an XML").replace("JSON", "XML")
        raise FormatError(said, path=path, hint=error.hint) from None


def _document(data: bytes, path: Path | str) -> Any:
    depth = 0
    root: Element | None = None
    children: list[tuple[str, Any]] = []
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end")):
            if event == "start":
                if depth == 0:
                    root = element
                depth += 1
                continue
            depth -= 1
            if depth == 1:  # a top-level record, whole: converted, then its subtree dropped
                children.append((_name(element.tag), _value(element)))
                element.clear()
    except DefusedXmlException as error:
        raise FormatError(
            f"declares XML entities or a document type ({type(error).__name__}), which are not read",
            path=path,
            hint="Export the data again without a DOCTYPE, or as CSV or JSON",
        ) from None
    except ParseError as error:
        raise FormatError(
            f"is not well-formed XML ({error})", path=path, hint="Export it again, or as CSV or JSON"
        ) from None
    if root is None:
        raise FormatError("is an empty XML document", path=path, hint="Export the messages again")
    if not children:
        return _text(root)
    return _grouped(root, children)


def _value(element: Element) -> Any:
    """An element as JSON would hold it: an object, a list, its text, or None."""
    if element.get("nil") == "true":
        return None
    items = [(_name(child.tag), _value(child)) for child in element]
    if items:
        return _grouped(element, items)
    attributes = _attributes(element)
    if attributes:  # a record written as attributes: <comment creator="Ann" body="Hi"/>
        return attributes | ({"text": text} if (text := _text(element)) is not None else {})
    return _text(element)


def _grouped(element: Element, items: list[tuple[str, Any]]) -> Any:
    names = {name for name, _ in items}
    if element.get("type") == "array" or (len(items) > 1 and len(names) == 1):
        return [value for _, value in items]
    out: dict[str, Any] = _attributes(element)
    repeated = _repeated(items)
    for name, value in items:
        if name not in repeated:
            out[name] = value
        elif isinstance(out.get(name), list):
            out[name].append(value)
        else:
            out[name] = [value]
    return out


def _attributes(element: Element) -> dict[str, Any]:
    """An element's attributes as fields, but those of the serialisation (``type="array"``)."""
    return {_name(k): v for k, v in element.attrib.items() if _name(k) not in _SKIPPED_ATTRIBUTES}


def _repeated(items: list[tuple[str, Any]]) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for name, _ in items:
        (twice if name in seen else seen).add(name)
    return twice


def _text(element: Element) -> str | None:
    text = element.text
    return None if text is None or not text.strip() else text


def _name(tag: str) -> str:
    """``{namespace}author-id`` as ``author_id``."""
    return tag.rsplit("}", 1)[-1].replace("-", "_")
