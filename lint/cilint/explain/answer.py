"""`cilint explain TAG`: where an image comes from, who uses it, how clusters pull it, and, when
it is missing, what to do. Answers the same for every spelling of the tag."""

from __future__ import annotations

import re
from typing import Any, Required, TypedDict

from cilint.config.settings import Settings
from cilint.facts.model import ACTIVE, CONDITIONAL, Location, Producer
from cilint.graph.tag_graph import CONDITIONAL_STATUS, PRODUCED, Coverage
from cilint.pipeline.run import RunOptions, answer_about_tag
from cilint.rules.context import RuleContext, by
from cilint.rules.reads import Read
from cilint.tags import ImageTag, Registries

# What an answer reads of the tree; a run about one tag loads what these need (cache.closure).
READS = frozenset(
    {
        Read.COVERAGE,
        Read.CONSUMERS,
        Read.MIRROR_SETS,
        Read.MIRROR_CONFIG,
        Read.PRODUCED_NAMES,
    }
)
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


def _producer_record(producer: Producer, context: RuleContext) -> ProducerRecord:
    location = context.locate(producer.location)
    return {
        "kind": producer.kind,
        "path": location.path,
        "line": location.line,
        "detail": producer.detail,
        "disabled": producer.state not in (ACTIVE, CONDITIONAL),
        "state": producer.state,
    }


def pull_chain(tree: RuleContext, registries: Registries, tag: ImageTag) -> list[dict[str, Any]]:
    """How each policed cluster pulls `tag` through QCI-APPCI: the merged mirror order per
    kind, one item per distinct order, with the clusters that get it."""
    chains: dict[tuple[str, tuple[str, ...], bool], dict[str, Any]] = {}
    for view in tree.mirror_views:
        if view.policy.source != registries.qci_proxy or not view.entries:
            continue
        order = tuple(f"{repository}:{tag.qci_tag}" for repository in view.merged.with_source)
        key = (view.kind, order, view.merged.blocked)
        chain = chains.setdefault(
            key,
            {
                "kind": view.kind,
                "clusters": [],
                "order": list(order),
                "source_policy": "NeverContactSource"
                if view.merged.blocked
                else "AllowContactingSource",
                "path": view.entries[0].location.path,
                "line": tree.locate(view.entries[0].location).line,
                "entries": sorted(
                    {(e.location.path, tree.locate(e.location).line) for e in view.entries}
                ),
            },
        )
        chain["clusters"].append(view.cluster.name)
    result = []
    for chain in sorted(chains.values(), key=lambda c: (c["kind"], c["clusters"])):
        chain["entries"] = [{"path": p, "line": n} for p, n in chain["entries"]]
        result.append(chain)
    return result


def promotion_job(owner: str) -> str | None:
    """The promotion postsubmit prowgen generates for a config (`branch-ci-...-images`)."""
    match = _OWNER_RE.match(owner)
    if not match:
        return None
    variant = f"-{match['variant']}" if match["variant"] else ""
    return f"branch-ci-{match['org']}-{match['repo']}-{match['branch']}{variant}-images"


def _mirror_insertion(tree: RuleContext, tag: ImageTag) -> str:
    supplemental = sorted((p.tag, p.location) for p in tree.graph.supplemental_producers() if p.tag)
    if not supplemental:
        return "add it under supplementalCIImages of the ci-images-mirror config"
    path = supplemental[0][1].path
    after = [(t, loc) for t, loc in supplemental if t < tag.ist]
    line = tree.locate((after[-1] if after else supplemental[0])[1]).line
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


def _placed(kind: str, text: str, tree: RuleContext, location: Location) -> Suggestion:
    where = tree.locate(location)
    return {"kind": kind, "text": text, "path": where.path, "line": where.line}


def _check_published(registries: Registries, tag: ImageTag) -> str:
    """How to see whether ART published `tag`: its stream on app.ci, and its QCI tag on Quay."""
    host, _, repository = registries.qci.partition("/")
    return (
        f"`oc --context app.ci -n {tag.namespace} get imagestreamtag {tag.name}:{tag.tag}` "
        f"(the mirror copies it into QCI within the hour), or tag {tag.qci_tag} at "
        f"https://{host}/repository/{repository}?tab=tags&tag={tag.qci_tag}"
    )


def _is_art(tree: RuleContext, tag: ImageTag) -> bool:
    patterns = tree.policy.art_namespaces if tree.policy else ()
    return any(re.search(pattern, tag.namespace) for pattern in patterns)


def _suggestions(
    tree: RuleContext, registries: Registries, tag: ImageTag, coverage: Coverage
) -> list[Suggestion]:
    """What to do, most direct first: a disabled or excluded producer to turn back on; for a
    pattern-covered tag, how to check it was published; for a missing one, close names, then
    where it would come from (never a promotion in ART's namespaces)."""
    graph = tree.graph
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
                f"({tree.where(producer.location)}); enable it{then}.",
                tree,
                producer.location,
            )
        )
    if coverage.status == CONDITIONAL_STATUS:
        rule = coverage.conditional[0]
        suggestions.append(
            _placed(
                "check-published",
                f"It exists only if {rule.detail} ({tree.where(rule.location)}) matches a tag "
                f"that is really published; check that it is: {_check_published(registries, tag)}.",
                tree,
                rule.location,
            )
        )
        return suggestions
    for candidate in graph.nearest(tag.ist):
        writers = graph.coverage(candidate).active
        who = f" ({by(writers[0])})" if writers else ""
        suggestions.append(
            {"kind": "did-you-mean", "text": f"Did you mean {candidate}{who}?", "tag": candidate}
        )
    for candidate in graph.covered_near(tag.ist):
        pattern = graph.coverage(candidate).conditional
        covered = f" (pulled elsewhere, covered by {pattern[0].detail})" if pattern else ""
        suggestions.append(
            {
                "kind": "did-you-mean",
                "text": f"Did you mean {candidate}{covered}?",
                "tag": candidate,
            }
        )
    if _is_art(tree, tag):
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
        {"kind": "mirror", "text": f"Not mirrored yet: {_mirror_insertion(tree, tag)}."}
    )
    return suggestions


def explain(
    tree: RuleContext,
    registries: Registries,
    tag: ImageTag,
    stream_importers: list[str] | None = None,
    all_importers: bool = False,
) -> Answer:
    """The answer about `tag`, from a view declaring `READS`. `stream_importers`: every file
    importing the tag's whole stream, when only some of them are loaded (None: all are)."""
    graph = tree.graph
    coverage = graph.coverage(tag.ist)
    producers = sorted(
        graph.producers_of(tag.ist), key=lambda p: (p.state != ACTIVE, p.location, p.detail)
    )
    locate = tree.locate
    found = graph.consumers_of(tag.ist)
    importers = stream_importers
    if importers is None:
        importers = sorted({c.location.path for c in found if c.stream})
    listed = set(importers if all_importers else importers[:SHOWN_IMPORTERS])
    pulling = sorted({c.location.path for c in found if not c.stream})
    shown = set(pulling if all_importers else pulling[:SHOWN_CONSUMERS])
    consumers = sorted(
        {
            (
                locate(c.location).sort_key()[:3],
                f"{c.field} (the whole stream {c.stream})" if c.stream else c.field,
                c.via,
            )
            for c in found
            if c.location.path in (listed if c.stream else shown)
        }
    )
    return {
        "spellings": registries.spellings(tag),
        "status": coverage.status,
        "producers": [_producer_record(p, tree) for p in producers],
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
        "pull_chain": pull_chain(tree, registries, tag),
        "suggestions": _suggestions(tree, registries, tag, coverage),
    }


def answer_tag(
    settings: Settings,
    tag: ImageTag,
    options: RunOptions | None = None,
    all_importers: bool = False,
) -> Answer:
    """The answer about `tag` for the tree under `settings.root`: with a cache, from the results
    that `READS` need only."""
    registries = settings.policy.registries
    return answer_about_tag(
        settings,
        tag.ist,
        READS,
        lambda view, importers: explain(view, registries, tag, importers, all_importers),
        options,
        None if all_importers else SHOWN_IMPORTERS,
    )


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
    return "\n".join(lines) + "\n"
