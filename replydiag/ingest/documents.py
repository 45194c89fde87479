"""Rich-text documents that APIs send as JSON instead of text: the Atlassian Document Format
(Jira and Jira Service Management comments since REST API v3, Confluence).

Read as any other object, a comment's ``body`` flattened to the first text node of its first
paragraph (``body.content.content.text``): "Thanks for reaching out." stood for a whole
reply. ``document_text`` gives the text a reader sees, one line per paragraph.
"""

from __future__ import annotations

from typing import Any

# Inline nodes that carry their text in ``attrs``: a mention's "@Ann", an emoji's ":)",
# a link card's address, a status lozenge's label.
_ATTRIBUTE_TEXT = {
    "mention": ("text",),
    "emoji": ("text", "shortName"),
    "status": ("text",),
    "inlineCard": ("url",),
}


def is_document(value: Any) -> bool:
    """Whether a value is an Atlassian document: ``{"type": "doc", "content": [...]}``."""
    return isinstance(value, dict) and value.get("type") == "doc" and isinstance(value.get("content"), list)


def document_text(value: Any) -> str | None:
    """The text of an Atlassian document, its blocks (paragraphs, headings, list items) one a
    line; None for anything else.

    >>> document_text({"type": "doc", "version": 1, "content": [
    ...     {"type": "paragraph", "content": [{"type": "text", "text": "Hi "},
    ...         {"type": "mention", "attrs": {"id": "1", "text": "@Ann"}}, {"type": "text", "text": ","}]},
    ...     {"type": "bulletList", "content": [{"type": "listItem", "content": [
    ...         {"type": "paragraph", "content": [{"type": "text", "text": "restart it", "marks": [{"type": "strong"}]}]}]}]}]})
    'Hi @Ann,\\nrestart it'
    >>> document_text({"type": "paragraph"}) is None
    True
    """
    if not is_document(value):
        return None
    lines: list[str] = []
    _blocks(value["content"], lines)
    return "\n".join(line for line in lines if line.strip())


def _blocks(nodes: list[Any], lines: list[str]) -> None:
    for node in nodes:
        if not isinstance(node, dict):
            continue
        children = node.get("content")
        if isinstance(children, list) and any(
            isinstance(c, dict) and c.get("type") in ("text", "hardBreak", *_ATTRIBUTE_TEXT) for c in children
        ):
            lines.append("".join(_inline(c) for c in children))  # a paragraph, heading or code block
        elif isinstance(children, list):
            _blocks(children, lines)  # lists, list items, quotes, panels, tables
        else:
            lines.append(_inline(node))


def _inline(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        text = node.get("text")
        return text if isinstance(text, str) else ""
    if kind == "hardBreak":
        return "\n"
    attrs = node.get("attrs")
    for name in _ATTRIBUTE_TEXT.get(str(kind), ()):
        value = attrs.get(name) if isinstance(attrs, dict) else None
        if isinstance(value, str):
            return value
    children = node.get("content")
    return "".join(_inline(c) for c in children) if isinstance(children, list) else ""
