"""Facts of cluster manifests: ImageStream and BuildConfig producers, mirror-set entries."""

from __future__ import annotations

from cilint.facts.model import ACTIVE, FileFacts, MirrorEntry, Producer
from cilint.facts.parsed_file import Document, ParsedFile, listed
from cilint.facts.steps import location
from cilint.tags import Registries

_MIRROR_LISTS = {
    "ImageTagMirrorSet": "imageTagMirrors",
    "ImageDigestMirrorSet": "imageDigestMirrors",
    "ImageContentSourcePolicy": "repositoryDigestMirrors",
}


def _image_stream(ctx: ParsedFile, doc: Document, obj: dict) -> list[Producer]:
    metadata = found if isinstance(found := obj.get("metadata"), dict) else {}
    namespace, stream = metadata.get("namespace"), metadata.get("name")
    spec = found if isinstance(found := obj.get("spec"), dict) else {}
    if not isinstance(namespace, str) or not isinstance(stream, str):
        return []
    producers = []
    for index, entry in enumerate(listed(spec.get("tags"))):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        source = entry.get("from")
        if not isinstance(source, dict) or not isinstance(source.get("name"), str):
            continue
        kind = source.get("kind", "DockerImage")
        verb = "imports" if kind == "DockerImage" else "follows"
        path = (*doc.prefix, "spec", "tags", index)
        producers.append(
            Producer(
                "imagestream",
                f"{namespace}/{stream}:{entry['name']}",
                ACTIVE,
                location(ctx, path, "value", doc.index),
                f"ImageStream {namespace}/{stream} spec.tags[{index}] {verb} {kind} "
                f"{source['name']}",
                ctx.path,
            )
        )
    return producers


def _build_config(ctx: ParsedFile, doc: Document, obj: dict) -> list[Producer]:
    metadata = found if isinstance(found := obj.get("metadata"), dict) else {}
    spec = found if isinstance(found := obj.get("spec"), dict) else {}
    output = found if isinstance(found := spec.get("output"), dict) else {}
    target = found if isinstance(found := output.get("to"), dict) else {}
    if target.get("kind") != "ImageStreamTag" or not isinstance(target.get("name"), str):
        return []
    namespace = target.get("namespace") or metadata.get("namespace")
    if not isinstance(namespace, str) or ":" not in target["name"]:
        return []
    return [
        Producer(
            "buildconfig",
            f"{namespace}/{target['name']}",
            ACTIVE,
            location(ctx, (*doc.prefix, "spec", "output", "to"), "key", doc.index),
            f"BuildConfig {metadata.get('name', '?')} builds into ImageStreamTag",
            ctx.path,
        )
    ]


def _mirrors(ctx: ParsedFile, doc: Document, obj: dict) -> list[MirrorEntry]:
    kind = obj.get("kind")
    assert isinstance(kind, str)  # `extract` passes the kinds of _MIRROR_LISTS only
    spec = found if isinstance(found := obj.get("spec"), dict) else {}
    key = _MIRROR_LISTS[kind]
    entries = []
    for index, entry in enumerate(listed(spec.get(key))):
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
            continue
        mirrors = (
            tuple(m for m in entry.get("mirrors") or () if isinstance(m, str))
            if isinstance(entry.get("mirrors"), list)
            else ()
        )
        policy = entry.get("mirrorSourcePolicy")
        entries.append(
            MirrorEntry(
                kind,
                entry["source"],
                mirrors,
                policy if isinstance(policy, str) else None,
                location(ctx, (*doc.prefix, "spec", key, index), "value", doc.index),
                doc.index,
                (*doc.prefix, "spec", key, index, "mirrors"),
            )
        )
    return entries


def extract(ctx: ParsedFile, content: bytes, registries: Registries) -> FileFacts:
    producers: list[Producer] = []
    mirrors: list[MirrorEntry] = []
    for doc in ctx.documents:
        obj = doc.data
        if not isinstance(obj, dict):
            continue
        kind = obj.get("kind")
        if kind == "ImageStream":
            producers.extend(_image_stream(ctx, doc, obj))
        elif kind == "BuildConfig":
            producers.extend(_build_config(ctx, doc, obj))
        elif isinstance(kind, str) and kind in _MIRROR_LISTS:
            mirrors.extend(_mirrors(ctx, doc, obj))
    return FileFacts(producers=tuple(producers), mirrors=tuple(mirrors))
