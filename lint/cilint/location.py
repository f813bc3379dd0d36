"""A place in a file, as facts carry it and findings point at it."""

from __future__ import annotations

import msgspec


class Location(msgspec.Struct, frozen=True, array_like=True, cache_hash=True):
    """A place in a file. Facts carry it unresolved (line 0) with the JSON path of the value;
    only places that end up in a finding or an answer are resolved to a line and column
    (`cilint.facts.positions`), so most files are never parsed for positions."""

    path: str
    line: int = 0  # 1-based; 0 while unresolved
    column: int = 0
    document: int = 0
    json_path: tuple[str | int, ...] = ()
    at: str = "value"  # "key" or "value" of `json_path`

    @property
    def resolved(self) -> bool:
        return self.line > 0

    def sort_key(self) -> tuple[str, int, int, int, tuple[str, ...], str]:
        return (
            self.path,
            self.line,
            self.column,
            self.document,
            tuple(str(p) for p in self.json_path),
            self.at,
        )

    def __lt__(self, other: Location) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"
