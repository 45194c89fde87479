"""Notes about one file, said to the user with its row accounting."""

from __future__ import annotations


class Notes:
    """Notes about a file; counted ones add up over chunks ("12 cells repaired")."""

    def __init__(self) -> None:
        self._order: list[str] = []
        self._counts: dict[str, int] = {}

    def add(self, text: str) -> None:
        if text not in self._order:
            self._order.append(text)

    def count(self, template: str, n: int) -> None:
        if n:
            self.add(template)
            self._counts[template] = self._counts.get(template, 0) + int(n)

    def render(self) -> list[str]:
        return [t.format(n=f"{self._counts[t]:,}") if t in self._counts else t for t in self._order]

    def counts(self) -> dict[str, int]:
        """The counted notes' templates and counts (``RowAccounting.counted``)."""
        return dict(self._counts)
