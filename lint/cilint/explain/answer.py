"""`cilint explain TAG`: where an image comes from, who uses it, how clusters pull it, and, when
it is missing, what to do. Answers the same for every spelling of the tag, from any `Source`:
the tag graph of a loaded tree (`cilint.explain.graph_source`) or the cache's index of tags
(`cilint.explain.index`), which answers without loading the tree."""

from __future__ import annotations

import re
from typing import Any, Protocol, Required, TypedDict

from cilint.facts.model import ACTIVE, CONDITIONAL, Consumer, Location, Producer, by
from cilint.graph.coverage import CONDITIONAL_STATUS, PRODUCED, Coverage
from cilint.printable import printable
from cilint.tags import ImageTag, Registries

# Files importing a tag's whole stream listed by default: a release stream such as ocp/4.17 is
# imported by thousands of configs, and listing them all buries the rest of the answer.
SHOWN_IMPORTERS = 5
# Files pulling the tag itself listed by default: a builder image is pulled by thousands, and
# locating each place means reading its file.
SHOWN_CONSUMERS = 20

_OWNER_RE = re.compile(r"^(?P<org>[^/]+)/(?P<repo>[^@]+)@(?P<branch>\S+)(?: \[(?P<variant>.+)\])?$")


# The answer, as `cilint explain --format json` prints it (after the `tag` asked about).
class ProducerRecord(TypedDict):
    kind: str
    path: str
    line: int
    detail: str
    disabled: bool
    state: str


class ConsumerRecord(TypedDict):
    path: str
    line: int
    field: str
    via: str


class StreamImporters(TypedDict):
    stream: str
    files: int
    listed: int


class ConsumerFiles(TypedDict):
    files: int  # files that pull the tag itself (not through its whole stream)
    listed: int


class Answer(TypedDict):
    spellings: dict[str, str]
    status: str
    producers: list[ProducerRecord]
    consumers: list[ConsumerRecord]
    consumer_files: ConsumerFiles
    stream_importers: StreamImporters
    pull_chain: list[dict[str, Any]]  # see `pull_chain`
    suggestions: list[Suggestion]


class Route(TypedDict):
    """How the clusters of one kind of mirror set pull any tag of QCI-APPCI: the merged order
    of repositories (the tag's QCI tag appended to each makes the pull chain)."""

    kind: str
    clusters: list[str]
    repositories: list[str]
    source_policy: str
    path: str
    line: int
    entries: list[dict[str, Any]]


class Source(Protocol):
    """What an answer reads: the tag graph of a loaded tree, or the cache's index of tags."""

    art_namespaces: tuple[str, ...]  # the policy's: ART's and the release payloads'

    def coverage(self, ist: str) -> Coverage: ...

    def producers_of(self, ist: str) -> list[Producer]: ...

    def consumer_files(self, ist: str) -> tuple[list[str], list[str]]:
        """The files pulling the tag itself, and those importing its whole stream, sorted."""
        ...

    def consumers_in(self, ist: str, pulling: set[str], importing: set[str]) -> list[Consumer]:
        """The consumers of the tag in the files of `pulling`, and of its whole stream in those
        of `importing`."""
        ...

    def nearest(self, ist: str) -> list[str]:
        """Produced tags close to `ist` (`TagGraph.nearest`)."""
        ...

    def covered_near(self, ist: str) -> list[str]:
        """Pattern-covered consumed tags close to `ist` (`TagGraph.covered_near`)."""
        ...

    def supplemental(self) -> list[tuple[str, Location]]:
        """The ci-images-mirror config's supplementalCIImages tags, with their places."""
        ...

    def routes(self) -> list[Route]: ...

    def locate(self, location: Location) -> Location: ...


def _producer_record(producer: Producer, source: Source) -> ProducerRecord:
    location = source.locate(producer.location)
    return {
        "kind": producer.kind,
        "path": location.path,
        "line": location.line,
        "detail": producer.detail,
        "disabled": producer.state not in (ACTIVE, CONDITIONAL),
        "state": producer.state,
    }


def _where(source: Source, location: Location) -> str:
    resolved = source.locate(location)
    return f"{resolved.path}:{resolved.line}"


def pull_chain(routes: list[Route], tag: ImageTag) -> list[dict[str, Any]]:
    """How each policed cluster pulls `tag` through QCI-APPCI: the merged mirror order per
    kind, one item per distinct order, with the clusters that get it."""
    return [
        {
            "kind": route["kind"],
            "clusters": route["clusters"],
            "order": [f"{repository}:{tag.qci_tag}" for repository in route["repositories"]],
            "source_policy": route["source_policy"],
            "path": route["path"],
            "line": route["line"],
            "entries": route["entries"],
        }
        for route in routes
    ]


def promotion_job(owner: str) -> str | None:
    """The promotion postsubmit prowgen generates for a config (`branch-ci-...-images`)."""
    match = _OWNER_RE.match(owner)
    if not match:
        return None
    variant = f"-{match['variant']}" if match["variant"] else ""
    return f"branch-ci-{match['org']}-{match['repo']}-{match['branch']}{variant}-images"


def _mirror_insertion(source: Source, tag: ImageTag) -> str:
    supplemental = sorted(source.supplemental())
    if not supplemental:
        return "add it under supplementalCIImages of the ci-images-mirror config"
    path = supplemental[0][1].path
    after = [(t, loc) for t, loc in supplemental if t < tag.ist]
    line = source.locate((after[-1] if after else supplemental[0])[1]).line
    place = (
        f"after {after[-1][0]} (line {line})"
        if after
        else (f"before {supplemental[0][0]} (line {line})")
    )
    return (
        f"add `{tag.ist}: {{image: <the external pull spec>}}` under supplementalCIImages "
        f"in {path}, {place}"
    )


class Suggestion(TypedDict, total=False):
    """One next step: `kind` says which (the JSON contract), `text` says it in words."""

    kind: Required[str]  # enable-producer, check-published, did-you-mean, ask-art, promote, mirror
    text: Required[str]
    tag: str
    path: str
    line: int


def _placed(kind: str, text: str, source: Source, location: Location) -> Suggestion:
    where = source.locate(location)
    return {"kind": kind, "text": text, "path": where.path, "line": where.line}


def _check_published(registries: Registries, tag: ImageTag) -> str:
    """How to see whether ART published `tag`: its stream on app.ci, and its QCI tag on Quay."""
    host, _, repository = registries.qci.partition("/")
    return (
        f"`oc --context app.ci -n {tag.namespace} get imagestreamtag {tag.name}:{tag.tag}` "
        f"(the mirror copies it into QCI within the hour), or tag {tag.qci_tag} at "
        f"https://{host}/repository/{repository}?tab=tags&tag={tag.qci_tag}"
    )


def _is_art(source: Source, tag: ImageTag) -> bool:
    return any(re.search(pattern, tag.namespace) for pattern in source.art_namespaces)


def _suggestions(
    source: Source, registries: Registries, tag: ImageTag, coverage: Coverage
) -> list[Suggestion]:
    """What to do, most direct first: a disabled or excluded producer to turn back on; for a
    pattern-covered tag, how to check it was published; for a missing one, close names, then
    where it would come from (never a promotion in ART's namespaces)."""
    suggestions: list[Suggestion] = []
    if coverage.status == PRODUCED:
        return suggestions
    for producer in coverage.inactive:
        job = promotion_job(producer.owner) if producer.kind == "promotion" else None
        then = f", then let its promotion job {job} run (it runs on merge)" if job else ""
        suggestions.append(
            _placed(
                "enable-producer",
                f"Not promoted yet: {producer.detail} would write it but is {producer.state} "
                f"({_where(source, producer.location)}); enable it{then}.",
                source,
                producer.location,
            )
        )
    if coverage.status == CONDITIONAL_STATUS:
        rule = coverage.conditional[0]
        suggestions.append(
            _placed(
                "check-published",
                f"It exists only if {rule.detail} ({_where(source, rule.location)}) matches a "
                f"tag that is really published; check that it is: "
                f"{_check_published(registries, tag)}.",
                source,
                rule.location,
            )
        )
        return suggestions
    for candidate in source.nearest(tag.ist):
        writers = source.coverage(candidate).active
        who = f" ({by(writers[0])})" if writers else ""
        suggestions.append(
            {"kind": "did-you-mean", "text": f"Did you mean {candidate}{who}?", "tag": candidate}
        )
    for candidate in source.covered_near(tag.ist):
        pattern = source.coverage(candidate).conditional
        covered = f" (pulled elsewhere, covered by {pattern[0].detail})" if pattern else ""
        suggestions.append(
            {
                "kind": "did-you-mean",
                "text": f"Did you mean {candidate}{covered}?",
                "tag": candidate,
            }
        )
    if _is_art(source, tag):
        suggestions.append(
            {
                "kind": "ask-art",
                "text": f"{tag.namespace} is a namespace ART and the release payloads publish "
                "into: no promotion or supplementalCIImages entry of this repository should "
                f"write {tag.ist}. Check the name and version against what is published: "
                f"{_check_published(registries, tag)}.",
            }
        )
        return suggestions
    if not coverage.inactive:
        suggestions.append(
            {
                "kind": "promote",
                "text": "Not promoted yet: if a ci-operator config builds this image, add a "
                f"promotion.to target with namespace: {tag.namespace} and name: {tag.name} "
                f"(images named {tag.tag!r}), or tag: {tag.tag} (an image named "
                f"{tag.name!r}); its promotion job branch-ci-<org>-<repo>-<branch>-images "
                "pushes it after the merge.",
            }
        )
    suggestions.append(
        {"kind": "mirror", "text": f"Not mirrored yet: {_mirror_insertion(source, tag)}."}
    )
    return suggestions


def explain(
    source: Source, registries: Registries, tag: ImageTag, all_importers: bool = False
) -> Answer:
    """The answer about `tag`: the first `SHOWN_CONSUMERS` files pulling it and the first
    `SHOWN_IMPORTERS` importing its whole stream are listed (every one with `all_importers`),
    the rest counted."""
    coverage = source.coverage(tag.ist)
    producers = sorted(
        source.producers_of(tag.ist), key=lambda p: (p.state != ACTIVE, p.location, p.detail)
    )
    pulling, importers = source.consumer_files(tag.ist)
    listed = set(importers if all_importers else importers[:SHOWN_IMPORTERS])
    shown = set(pulling if all_importers else pulling[:SHOWN_CONSUMERS])
    consumers = sorted(
        {
            (
                source.locate(c.location).sort_key()[:3],
                f"{c.field} (the whole stream {c.stream})" if c.stream else c.field,
                c.via,
            )
            for c in source.consumers_in(tag.ist, shown, listed)
        }
    )
    return {
        "spellings": registries.spellings(tag),
        "status": coverage.status,
        "producers": [_producer_record(p, source) for p in producers],
        "consumers": [
            {"path": place[0], "line": place[1], "field": field, "via": via}
            for place, field, via in consumers
        ],
        "consumer_files": {"files": len(pulling), "listed": len(shown)},
        "stream_importers": {
            "stream": tag.stream,
            "files": len(importers),
            "listed": len(listed),
        },
        "pull_chain": pull_chain(source.routes(), tag),
        "suggestions": _suggestions(source, registries, tag, coverage),
    }


def render_text(report: Answer) -> str:
    spellings = report["spellings"]
    labels = {
        "ist": "IST",
        "app_ci": "app.ci",
        "qci": "QCI",
        "qci_appci": "QCI-APPCI",
        "cache": "cache",
    }
    lines = [f"{spellings['ist']}: {report['status']}", ""]
    lines += [f"  {labels[k]:<10} {v}" for k, v in spellings.items()]
    lines += ["", "Produced by:"]
    for p in report["producers"] or []:
        state = "" if p["state"] == ACTIVE else f" [{p['state']}]"
        lines.append(f"  {p['kind']}{state}  {p['path']}:{p['line']}  {p['detail']}")
    if not report["producers"]:
        lines.append("  nothing in this tree")
    lines += ["", "Used by:"]
    for c in report["consumers"] or []:
        via = f"  (via {c['via']})" if c["via"] else ""
        lines.append(f"  {c['path']}:{c['line']}  {c['field']}{via}")
    if not report["consumers"]:
        lines.append("  nothing in this tree")
    pulling = report["consumer_files"]
    if pulling["files"] > pulling["listed"]:
        lines.append(
            f"  and {pulling['files'] - pulling['listed']} more files that pull it "
            "(--all lists them)"
        )
    importers = report["stream_importers"]
    unlisted = importers["files"] - importers["listed"]
    if unlisted:
        lines.append(
            f"  and {unlisted} more files that import the whole stream "
            f"{importers['stream']} (--all lists them)"
        )
    lines += ["", "Pulled through (merged mirror sets, per cluster):"]
    for m in report["pull_chain"] or []:
        lines.append(f"  {m['kind']} on {', '.join(m['clusters'])} ({m['path']}:{m['line']}):")
        lines.append("    " + " → ".join(m["order"]))
    if not report["pull_chain"]:
        lines.append("  no ImageTagMirrorSet/ImageDigestMirrorSet for the QCI-APPCI proxy")
    if report["suggestions"]:
        lines += ["", "What to do:"]
        lines += [f"  - {s['text']}" for s in report["suggestions"]]
    # Names and tags as the tree spells them, control characters escaped (cilint.printable).
    return "\n".join(printable(line) for line in lines) + "\n"
