"""The per-file result: what the per-file stage gives of one file, and everything later stages
(the graph, the cache, PATH runs) know of it."""

from __future__ import annotations

import msgspec

from cilint.facts.model import FileFacts
from cilint.findings import Finding
from cilint.inputs.kinds import Kind
from cilint.yaml.comments import SuppressionComment


class FileResult(msgspec.Struct, frozen=True, array_like=True):
    """What the per-file stage gives of one file; stored and shipped as `cilint.cache.codec`
    encodes it."""

    path: str
    kind: Kind
    findings: tuple[Finding, ...]  # all resolved (no `place`)
    skipped: str | None = None  # why the file was not checked, when it was not
    facts: FileFacts = msgspec.field(default_factory=FileFacts)
    suppressions: tuple[SuppressionComment, ...] = ()  # `# cilint: ignore[...]` comments
