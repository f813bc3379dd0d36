"""What `cilint explain` is given, read as people have it: a job's log line, a pull spec with a
`docker://` or `https://` scheme, a bare QCI tag (`ocp_4.18_base-rhel9`), or any spelling
`Registries.parse` accepts; and every reading of a QCI tag whose underscores can split more than
one way (`ocp_4_18_base-rhel9` is `ocp/4:18_base-rhel9` to Quay, but likely `ocp/4.18:...`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cilint.tags import ImageTag, Registries, TagSpellingError, parse_ist

# Characters of an image reference; anything else (quotes, spaces, commas) ends one.
_REFERENCE = re.compile(r"[A-Za-z0-9._\-/:@]+")
_SCHEME = re.compile(r"\b(?:docker|oci|https?)://", re.IGNORECASE)
# A QCI tag on its own: <namespace>_<name>_<tag>, a namespace being a DNS label.
_BARE_QCI = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?_[^_\s/:@]+_\S+$")


@dataclass(frozen=True)
class Readings:
    """The tag(s) a text names: `tags[0]` as Quay reads it, then the other plausible
    readings of its QCI tag's underscores; with the reference found and its digest."""

    tags: tuple[ImageTag, ...]
    reference: str
    digest: str | None = None


def accepted_forms(registries: Registries) -> str:
    return (
        f"<namespace>/<name>:<tag>, {registries.app_ci}/<namespace>/<name>:<tag>, "
        f"{registries.qci}:<namespace>_<name>_<tag> (or on {registries.qci_proxy}), the bare "
        "QCI tag <namespace>_<name>_<tag>, or a log line holding one of them"
    )


def read(text: str, registries: Registries) -> Readings:
    """The readings of the image `text` names; TagSpellingError says which part is wrong."""
    reference = _reference_in(text, registries)
    if reference is None:
        raise TagSpellingError(
            f"{text.strip()!r} holds no image reference; give {accepted_forms(registries)}"
        )
    bare = "/" not in reference and ":" not in reference and "@" not in reference
    digest: str | None = None
    if bare and _BARE_QCI.match(reference):
        qci_tag: str | None = reference
    else:
        for repository in registries.qci_repositories:
            if reference.rstrip(":") == repository:
                raise TagSpellingError(
                    f"{reference!r} names the QCI repository but no tag: give "
                    f"{repository}:<namespace>_<name>_<tag>"
                )
        tag, digest = registries.parse(reference)
        qci_tag = _qci_tag_of(reference, registries)
        if qci_tag is None:
            return Readings((tag,), reference, digest)
    tags = qci_readings(qci_tag or "")
    if not tags:
        raise TagSpellingError(
            f"{reference!r}: the QCI tag {qci_tag!r} must read <namespace>_<name>_<tag> (three "
            f"parts joined by '_'); accepted forms: {accepted_forms(registries)}"
        )
    return Readings(tags, reference, digest)


def qci_readings(qci_tag: str) -> tuple[ImageTag, ...]:
    """Every `ns/name:tag` a QCI tag can stand for: split after the namespace, then at each
    later `_`, the underscores left in the name read as dots (stream names hold no `_`).
    Quay's own reading (the first two `_`) comes first."""
    namespace, _, rest = qci_tag.partition("_")
    if not namespace or not rest:
        return ()
    readings = []
    for at in [m.start() for m in re.finditer("_", rest)]:
        name, tag = rest[:at].replace("_", "."), rest[at + 1 :]
        found = parse_ist(f"{namespace}/{name}:{tag}")
        if found is not None and name and tag:
            readings.append(found)
    return tuple(readings)


def _qci_tag_of(reference: str, registries: Registries) -> str | None:
    spec = reference.split("@", 1)[0]
    for repository in registries.qci_repositories:
        if spec.startswith(repository + ":"):
            return spec[len(repository) + 1 :]
    return None


def _reference_in(text: str, registries: Registries) -> str | None:
    """The first image reference in `text`: one on a registry of the site, else the first
    word shaped like `ns/name:tag` or a bare QCI tag."""
    plain = _SCHEME.sub("", text)
    known = (*registries.qci_repositories, *registries.app_ci_hosts)
    starts = [(plain.find(prefix), prefix) for prefix in known if prefix in plain]
    if starts:
        start = min(starts)[0]
        match = _REFERENCE.match(plain, start)
        assert match is not None  # a known prefix is made of reference characters
        found: str = match.group()
        return found.rstrip(".,:")
    words: list[str] = _REFERENCE.findall(plain)
    for raw in words:
        word = raw.strip(".,:")
        if "/" in word:
            first = word.split("/", 1)[0]
            if word.count("/") == 1 and "." not in first and ":" not in first:
                return word
        elif _BARE_QCI.match(word):
            return word
    return None
