"""`cilint impact`: the blast radius of a change, for the reviewer of a promotion or mirror-set
change, whether or not anything breaks.

For every tag whose producers or producer states the change alters: what produced it before
and after, its status at both ends, and who pulls it (counted, the first few named). For every
mirror source and cluster whose merged order the change alters: the order before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cilint.change.reach import MIRRORS
from cilint.change.run import Change, Ends, evaluate
from cilint.config.mirror_policy import MERGED_KINDS
from cilint.config.settings import Settings
from cilint.facts.model import PRODUCER_VERBS, MirrorEntry, Producer
from cilint.graph.mirror_merge import has_real_mirror, merge
from cilint.graph.tag_graph import TagGraph
from cilint.inputs.git import Base
from cilint.pipeline.results import LoadedTree
from cilint.pipeline.run import RunOptions
from cilint.printable import printable
from cilint.rules.context import TreeContext
from cilint.tags import parse_ist

SHOWN = 5  # consumers named per tag; the rest are counted


@dataclass(frozen=True)
class _Side:
    status: str
    producers: list[dict[str, object]]


def _producers(tree: LoadedTree, ist: str) -> _Side:
    graph = tree.graph
    found = [] if graph.is_exempt(ist) else graph.producers_of(ist)
    return _Side(graph.coverage(ist).status, [_producer(tree.context, p) for p in found])


def _producer(context: TreeContext, producer: Producer) -> dict[str, object]:
    where = context.locate(producer.location)
    return {
        "kind": producer.kind,
        "state": producer.state,
        "by": f"{PRODUCER_VERBS.get(producer.kind, producer.kind)} {producer.owner}",
        "what": producer.detail,
        "path": where.path,
        "line": where.line,
    }


def _consumer_files(graph: TagGraph, ist: str) -> list[str]:
    return sorted({c.location.path for c in graph.consumers_of(ist)})


def _tags(ends: Ends) -> list[dict[str, object]]:
    tags = sorted({t.tag for t in ends.touches if t.tag})
    patterns = [t.pattern for t in ends.touches if t.pattern is not None]
    if patterns:  # the consumed tags a changed pattern producer matches, at either end
        for tree in (ends.now, ends.base):
            for consumer in tree.graph.consumers:
                if consumer.tag and consumer.tag not in tags:
                    tag = parse_ist(consumer.tag)
                    if tag and any(p.matches(tag.namespace, tag.name, tag.tag) for p in patterns):
                        tags.append(consumer.tag)
        tags.sort()
    found = []
    for ist in tags:
        before, after = _producers(ends.base, ist), _producers(ends.now, ist)
        if before == after:
            continue
        consumers = sorted(
            set(_consumer_files(ends.now.graph, ist)) | set(_consumer_files(ends.base.graph, ist))
        )
        found.append(
            {
                "tag": ist,
                "qci": ends.now.context.both_spellings(ist),
                "before": {"status": before.status, "producers": before.producers},
                "after": {"status": after.status, "producers": after.producers},
                "consumers": len(consumers),
                "consumer_files": consumers[:SHOWN],
            }
        )
    return found


def _orders(tree: LoadedTree) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(cluster, kind, source) → the merged mirror order, for every source with entries."""
    entries: dict[tuple[str, str], list[MirrorEntry]] = {}
    for entry in tree.graph.mirrors:
        for kind, merged_kinds in MERGED_KINDS.items():
            if entry.kind in merged_kinds and has_real_mirror(entry.source, entry.mirrors):
                entries.setdefault((kind, entry.source), []).append(entry)
    orders = {}
    for cluster in tree.context.clusters:
        for (kind, source), found in entries.items():
            reaching = sorted((e for e in found if cluster.reaches(e.location.path)), key=_at)
            if reaching:
                blocked = any(e.policy == "NeverContactSource" for e in reaching)
                merged = merge(source, [e.mirrors for e in reaching], blocked)
                orders[(cluster.name, kind, source)] = merged.with_source
    return orders


def _at(entry: MirrorEntry) -> tuple[object, ...]:
    return entry.location.sort_key()


def _mirrors(ends: Ends) -> list[dict[str, object]]:
    if not any(MIRRORS in t.names for t in ends.touches):
        return []
    before, after = _orders(ends.base), _orders(ends.now)
    return [
        {
            "cluster": cluster,
            "kind": kind,
            "source": source,
            "before": list(before.get((cluster, kind, source), ())),
            "after": list(after.get((cluster, kind, source), ())),
        }
        for cluster, kind, source in sorted(set(before) | set(after))
        if before.get((cluster, kind, source)) != after.get((cluster, kind, source))
    ]


def impact(
    settings: Settings,
    base: Base,
    options: RunOptions | None = None,
    only: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    """The report as plain data (the JSON form)."""

    def report(change: Change, ends: Ends, _inventory: object) -> dict[str, Any]:
        return {
            "base": change.base.commit,
            "base_described": change.base.described,
            "changed_files": sorted(change.paths),
            "tags": _tags(ends),
            "mirrors": _mirrors(ends),
        }

    return evaluate(settings, base, report, options, only=only)


def render_text(report: dict[str, Any]) -> str:
    changed = report["changed_files"]
    lines = [f"Against {report['base_described']}, {len(changed)} changed input(s)."]
    tags = report["tags"]
    if tags:
        lines += ["", f"Tags whose producers change ({len(tags)}):"]
    for item in tags:
        before, after = item["before"], item["after"]
        lines.append(f"  {item['qci']}: {before['status']} → {after['status']}")
        for label, side in (("before", before), ("after", after)):
            producers = side["producers"] or [{"by": "nothing", "state": "", "path": ""}]
            for p in producers:
                where = f" ({p['path']}:{p['line']})" if p["path"] else ""
                state = f" [{p['state']}]" if p["state"] else ""
                lines.append(f"    {label + ':':<8}{p['by']}{state}{where}")
        shown = ", ".join(item["consumer_files"])
        more = item["consumers"] - len(item["consumer_files"])
        pulled = f"{shown} and {more} more" if more > 0 else shown or "nothing pulls it"
        lines.append(f"    pulled by {item['consumers']} file(s): {pulled}")
    mirrors = report["mirrors"]
    if mirrors:
        lines += ["", "Mirror orders that change:"]
    for item in mirrors:
        before = " → ".join(item["before"]) or "(no mirror set)"
        after = " → ".join(item["after"]) or "(no mirror set)"
        lines.append(f"  {item['cluster']} {item['kind']} {item['source']}:")
        lines.append(f"    before: {before}")
        lines.append(f"    after:  {after}")
    if not tags and not mirrors:
        lines.append("No tag's producers and no mirror order change.")
    # Names and tags as the tree spells them, control characters escaped (cilint.printable).
    return "\n".join(printable(line) for line in lines) + "\n"
