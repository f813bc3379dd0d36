"""Facts of `mapping_*` files for `oc image mirror`: one `SOURCE TARGET...` per line.

A source on QCI, QCI-APPCI or app.ci is a *consumer* (the job fails with "manifest unknown"
when nothing produces it); a target on app.ci is a *producer* (the legacy inbound mirroring).
Wildcard sources (`*`, or a QCI `prefix_*`) are patterns expanded at mirroring time, not one
tag, and are not checked.
"""

from __future__ import annotations

from cilint.facts.model import ACTIVE, Consumer, FileFacts, Location, Producer
from cilint.facts.parsed_file import ParsedFile
from cilint.tags import Registries


def extract(ctx: ParsedFile, content: bytes, registries: Registries) -> FileFacts:
    path = ctx.path
    producers: list[Producer] = []
    consumers: list[Consumer] = []
    text = content.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split()
        column = len(line) - len(line.lstrip()) + 1
        source, targets = fields[0], fields[1:]
        if "*" not in source:
            tag = registries.parse_or_none(source)
            if tag is not None and not _is_plain_ist(source):
                consumers.append(
                    Consumer("mapping source", Location(path, number, column), path, tag=tag.ist)
                )
        offset = column - 1 + len(source)
        for target in targets:
            start = line.index(target, offset)
            offset = start + len(target)
            if any(target.startswith(host + "/") for host in registries.app_ci_hosts):
                tag = registries.parse_or_none(target)
                if tag is not None:
                    producers.append(
                        Producer(
                            "mapping",
                            tag.ist,
                            ACTIVE,
                            Location(path, number, start + 1),
                            f"mapping file mirrors {source} into app.ci",
                            path,
                        )
                    )
    return FileFacts(producers=tuple(producers), consumers=tuple(consumers))


def _is_plain_ist(spec: str) -> bool:
    """`ns/name:tag` without a registry host is not a pull spec `oc image mirror` accepts."""
    return "." not in spec.split("/", 1)[0]
