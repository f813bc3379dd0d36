"""What a rule sees: one parsed file (`FileContext`, per-file rules), or the tag graph of the
whole tree and the site's registries (`TreeContext`, cross-file rules)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cilint.config.mirror_policy import Cluster, clusters
from cilint.config.settings import Policy
from cilint.facts.model import Consumer, Location, Producer
from cilint.facts.parsed_file import ParsedFile
from cilint.facts.positions import Positions
from cilint.findings import Finding, Fix, Related, Severity
from cilint.graph.mirror_views import MirrorView, cluster_names, views
from cilint.graph.tag_graph import TagGraph
from cilint.rules.names import RuleNames
from cilint.rules.reads import Demand, GraphReads, Read, undeclared
from cilint.rules.spec import RuleSpec
from cilint.tags import Registries, parse_ist


@dataclass
class FileContext(ParsedFile):
    """A parsed file, and how a per-file rule reports on it."""

    # Every rule's code and name (the per-file stage sets the registry's table).
    rule_names: RuleNames = field(default_factory=dict)

    def finding(
        self,
        rule: RuleSpec,
        position: tuple[int, int],
        message: str,
        severity: Severity | None = None,
        tag: str | None = None,
    ) -> Finding:
        line, column = position
        return Finding(
            path=self.path,
            line=max(line, 1),
            column=max(column, 1),
            code=rule.code,
            rule=rule.name,
            severity=severity or rule.severity,
            message=message,
            tag=tag,
        )


# The other places a finding carries at most: a tag promoted by hundreds of copied configs
# would otherwise make each of its findings hold every other one.
RELATED_MAX = 10

# Consumers grouped by (location, tag, stream), as `TagGraph.consumers_by_place` gives them.
_Places = dict[tuple[Location, str | None, str | None], list[Consumer]]


def everything(path: str) -> bool:
    """The selection of a run over the whole tree."""
    return True


@dataclass
class TreeContext:
    """The whole tree as the cross-file stage holds it. Rules see it through `view`."""

    graph: TagGraph
    registries: Registries
    policy: Policy | None = None
    manifest_paths: list[str] = field(default_factory=list)  # every cluster manifest
    positions: Positions | None = None
    # Which files' findings are wanted (a PATH run); rules skip the others early.
    selected: Callable[[str], bool] = everything
    # Set in a partial run: records the names "did you mean" asked for (`cilint.rules.reads`).
    demand: Demand | None = None
    _consumer_places: _Places | None = field(default=None, init=False, repr=False)
    _resolved: dict[Location, Location] = field(default_factory=dict, init=False, repr=False)
    _spellings: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False)

    def view(self, reads: Iterable[Read], owner: str) -> RuleContext:
        """What `owner` (a rule, or explain) may read: `reads`, and the wording helpers."""
        return RuleContext(self, frozenset(reads), owner)

    def consumer_places(self) -> _Places:
        """`TagGraph.consumers_by_place`, limited to the selected files (computed once: the
        selection is set before the first rule runs)."""
        if self._consumer_places is None and self.selected is everything:
            self._consumer_places = self.graph.consumers_by_place()
        if self._consumer_places is None:
            self._consumer_places = {
                place: found
                for place, found in self.graph.consumers_by_place().items()
                if self.selected(place[0].path)
            }
        return self._consumer_places

    def locate(self, location: Location) -> Location:
        """`location` with its line and column; each place is looked up once (a registry step
        used by thousands of tests is one place, asked for by each of them)."""
        if location.resolved or self.positions is None:
            return location
        resolved = self._resolved.get(location)
        if resolved is None:
            resolved = self._resolved[location] = self.positions.locate(location)
        return resolved

    def where(self, location: Location) -> str:
        """`path:line` of another place, for messages."""
        resolved = self.locate(location)
        return f"{resolved.path}:{resolved.line}"

    def related(self, location: Location, message: str) -> Related:
        """Another place of a finding (`Finding.related`), located as `where` locates it."""
        resolved = self.locate(location)
        return Related(resolved.path, max(resolved.line, 1), max(resolved.column, 1), message)

    def describe(self, producer: Producer) -> str:
        """`detail (path:line)` of a producer, for messages."""
        return f"{producer.detail} ({self.where(producer.location)})"

    @cached_property
    def clusters(self) -> list[Cluster]:
        return clusters(self.policy.cluster_groups, self.manifest_paths) if self.policy else []

    @cached_property
    def mirror_views(self) -> list[MirrorView]:
        if self.policy is None:
            return []
        return views(self.policy.mirror_policies, self.clusters, self.graph.mirrors)

    def finding(
        self,
        rule: RuleSpec,
        location: Location,
        message: str,
        severity: Severity | None = None,
        tag: str | None = None,
        fix: Fix | None = None,
        subject: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> Finding:
        return Finding(
            path=location.path,
            line=location.line,  # 0 until resolved: only reported findings need a line
            column=location.column,
            code=rule.code,
            rule=rule.name,
            severity=severity or rule.severity,
            message=message,
            tag=tag,
            place=None if location.resolved else location,
            fix=fix,
            subject=subject,
            related=related[:RELATED_MAX],
        )

    def spelling(self, ist: str, form: str) -> str:
        """`ist` in one of the forms of `Registries.spellings` (e.g. "qci")."""
        spellings = self._spellings.get(ist)
        if spellings is None:
            tag = parse_ist(ist)
            spellings = self._spellings[ist] = self.registries.spellings(tag) if tag else {}
        return spellings.get(form, ist)

    def both_spellings(self, ist: str) -> str:
        """`ns/name:tag (quay.io/openshift/ci:ns_name_tag)` for messages."""
        return f"{ist} ({self.spelling(ist, 'qci')})" if parse_ist(ist) else ist


# TreeContext attributes that hold cross-file data, by the read they belong to.
_TREE_READS: dict[str, Read] = {
    "consumer_places": Read.CONSUMER_PLACES,
    "mirror_views": Read.MIRROR_SETS,
    "clusters": Read.MIRROR_SETS,
    "manifest_paths": Read.MIRROR_SETS,
}


class RuleContext:
    """What one cross-file rule sees: the graph through its declared reads (`GraphReads`), the
    policy, the selection, and how to word and place a finding. Everything is bound once, so
    a rule reads it as cheaply as the tree itself."""

    def __init__(self, tree: TreeContext, reads: frozenset[Read], owner: str) -> None:
        self.reads = reads
        self.owner = owner
        self._tree = tree
        self.graph = GraphReads(tree.graph, reads, owner, tree.demand)
        self.registries = tree.registries
        self.policy = tree.policy
        self.selected = tree.selected
        self.finding = tree.finding
        self.locate = tree.locate
        self.where = tree.where
        self.related = tree.related
        self.describe = tree.describe
        self.spelling = tree.spelling
        self.both_spellings = tree.both_spellings

    if TYPE_CHECKING:  # what `__getattr__` hands on, for a rule that declared the read

        def consumer_places(self) -> _Places: ...

        mirror_views: list[MirrorView]
        clusters: list[Cluster]
        manifest_paths: list[str]

    def __getattr__(self, name: str) -> Any:  # cross-file data: only what was declared
        read = _TREE_READS.get(name)
        if read is None:
            raise AttributeError(name)
        if read not in self.reads:
            raise undeclared(self.owner, name, read)
        return getattr(self._tree, name)


def uses(consumers: Iterable[Consumer], limit: int = 2) -> str:
    """`; used by A and 3 more` for a consumer reached through the registry."""
    vias = sorted({c.via for c in consumers if c.via})
    if not vias:
        return ""
    more = f" and {len(vias) - limit} more" if len(vias) > limit else ""
    return f"; used by {', '.join(vias[:limit])}{more}"


def cluster_findings(
    ctx: RuleContext,
    rule: RuleSpec,
    items: Iterable[tuple[Location, str, Severity | None, Cluster]],
    fixes: dict[Location, Fix] | None = None,
    related: dict[tuple[Location, str], list[tuple[Location, str]]] | None = None,
) -> Iterator[Finding]:
    """One finding per place for a problem found on many clusters (see `per_place`), with the
    fix of its place when `fixes` has one, and the other places `related` gives for its
    (place, message), located only for the findings kept."""
    for location, message, severity, found in per_place(items):
        if not ctx.selected(location.path):
            continue
        text = message.format(clusters=cluster_names(found))
        fix = fixes.get(location) if fixes else None
        others = related.get((location, message), []) if related else []
        yield ctx.finding(
            rule,
            location,
            text,
            severity,
            fix=fix,
            subject=message,
            related=tuple(ctx.related(place, words) for place, words in others),
        )


def per_place(
    items: Iterable[tuple[Location, str, Severity | None, Cluster]],
) -> list[tuple[Location, str, Severity | None, list[Cluster]]]:
    """Merge the same problem found on many clusters into one finding per place; the message
    holds `{clusters}` where the cluster names go."""
    grouped: dict[tuple[Location, str, Severity | None], list[Cluster]] = {}
    for location, message, severity, cluster in items:
        grouped.setdefault((location, message, severity), []).append(cluster)
    return [
        (loc, msg, sev, found)
        for (loc, msg, sev), found in sorted(
            grouped.items(), key=lambda item: (item[0][0], item[0][1])
        )
    ]
