"""Image tags and their spellings: IST, app.ci registry, QCI, QCI-APPCI proxy, pull-through cache.

An ImageStreamTag `ns/name:tag` is stored in QCI as `<qci>:<ns>_<name>_<tag>` (joined with `_`,
no escaping; read back by splitting on the first two `_`, as ci-tools does). The registry hosts
come from the policy (`registries:`), never from constants here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# A Docker tag: at most 128 characters of [A-Za-z0-9_.-], not starting with . or -.
DOCKER_TAG_MAX = 128
# `<YYYYMMDDhhmmss>_prune_` before the QCI tag of a promotion backup (ci-tools promote.go).
PROMOTION_BACKUP_PREFIX = len("20060102150405_prune_")
# `<YYYYMMDDhhmmss>_prune___ci_images_mirror__` before a ci-images-mirror backup.
MIRROR_BACKUP_PREFIX = len("20060102150405_prune___ci_images_mirror__")

_IST_RE = re.compile(r"^([a-z0-9][a-z0-9.-]*)/([^/:@\s]+):([^/:@\s]+)$")
_DIGEST_RE = re.compile(r"@(sha256:[0-9a-f]{64})$")


@dataclass(frozen=True, order=True)
class ImageTag:
    namespace: str
    name: str
    tag: str

    @property
    def ist(self) -> str:
        return f"{self.namespace}/{self.name}:{self.tag}"

    @property
    def stream(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def qci_tag(self) -> str:
        return f"{self.namespace}_{self.name}_{self.tag}"

    def __str__(self) -> str:
        return self.ist


def parse_ist(text: str) -> ImageTag | None:
    """`ns/name:tag` → ImageTag; None when `text` is not exactly that shape."""
    match = _IST_RE.match(text)
    return ImageTag(*match.groups()) if match else None


def from_qci_tag(qci_tag: str) -> ImageTag | None:
    """`ns_name_tag` → ImageTag (split on the first two `_`)."""
    parts = qci_tag.split("_", 2)
    if len(parts) != 3 or not all(parts):
        return None
    return ImageTag(*parts)


class TagSpellingError(ValueError):
    """A string that does not name an image tag of this CI site; the message says why."""


@dataclass(frozen=True)
class Registries:
    """The site's registries, from the policy."""

    qci: str  # repository, e.g. quay.io/openshift/ci
    qci_proxy: str  # repository, e.g. quay-proxy.ci.openshift.org/openshift/ci
    app_ci: str  # host, e.g. registry.ci.openshift.org
    cache: str | None = None
    app_ci_legacy: tuple[str, ...] = ()

    @classmethod
    def from_policy(cls, registries: dict[str, Any]) -> Registries:
        return cls(
            qci=str(registries["qci"]),
            qci_proxy=str(registries["qci_proxy"]),
            app_ci=str(registries["app_ci"]),
            cache=str(registries["cache"]) if registries.get("cache") else None,
            app_ci_legacy=tuple(str(h) for h in registries.get("app_ci_legacy", ()) or ()),
        )

    @property
    def qci_repositories(self) -> tuple[str, ...]:
        return tuple(r for r in (self.qci, self.qci_proxy, self.cache) if r)

    @property
    def app_ci_hosts(self) -> tuple[str, ...]:
        return (self.app_ci, *self.app_ci_legacy)

    def spellings(self, tag: ImageTag) -> dict[str, str]:
        """Every form of `tag`, keyed as `cilint explain --format json` prints them."""
        return {
            "ist": tag.ist,
            "app_ci": f"{self.app_ci}/{tag.ist}",
            "qci": f"{self.qci}:{tag.qci_tag}",
            "qci_appci": f"{self.qci_proxy}:{tag.qci_tag}",
            **({"cache": f"{self.cache}:{tag.qci_tag}"} if self.cache else {}),
        }

    def parse(self, text: str) -> tuple[ImageTag, str | None]:
        """Any spelling (optionally with `@sha256:...`) → (tag, digest)."""
        spec = text.strip()
        digest = None
        match = _DIGEST_RE.search(spec)
        if match:
            digest = match.group(1)
            spec = spec[: match.start()]
        elif "@" in spec:
            raise TagSpellingError(f"{text!r}: the digest after '@' is not sha256:<64 hex>")
        if not spec:
            raise TagSpellingError("empty image reference")
        for repository in self.qci_repositories:
            if spec == repository or spec.startswith(repository + ":"):
                qci_tag = spec[len(repository) + 1 :]
                if not qci_tag:
                    raise TagSpellingError(
                        f"{text!r}: a digest alone does not name a tag; give "
                        f"{repository}:<namespace>_<name>_<tag>"
                    )
                tag = from_qci_tag(qci_tag)
                if tag is None:
                    raise TagSpellingError(
                        f"{text!r}: the QCI tag {qci_tag!r} must read <namespace>_<name>_<tag> "
                        "(three parts joined by '_')"
                    )
                return tag, digest
        for host in self.app_ci_hosts:
            if spec.startswith(host + "/"):
                rest = spec[len(host) + 1 :]
                if rest.count("/") != 1:
                    raise TagSpellingError(f"{text!r}: expected {host}/<namespace>/<name>:<tag>")
                tag = parse_ist(rest if ":" in rest else rest + ":latest")
                if tag is None:
                    raise TagSpellingError(f"{text!r}: expected {host}/<namespace>/<name>:<tag>")
                return tag, digest
        first = spec.split("/", 1)[0]
        if spec.count("/") == 1 and "." not in first and ":" not in first:
            tag = parse_ist(spec if ":" in spec else spec + ":latest")
            if tag is not None:
                return tag, digest
            raise TagSpellingError(f"{text!r}: an image stream tag reads <namespace>/<name>:<tag>")
        known = ", ".join((*self.app_ci_hosts, *self.qci_repositories))
        raise TagSpellingError(
            f"{text!r}: not an image of this CI site; give <namespace>/<name>:<tag> or a pull spec "
            f"on {known}"
        )

    def parse_or_none(self, text: str) -> ImageTag | None:
        try:
            return self.parse(text)[0]
        except TagSpellingError:
            return None
