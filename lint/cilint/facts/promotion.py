"""Which tags a ci-operator config promotes, with the exact semantics of ci-tools.

Sources: `toPromote`, `PromotedTagsWithRequiredImages` and `PromotedTags` in
`pkg/steps/release/promote.go`; `BuildCacheFor` in `pkg/api/metadata.go`
(ci-tools-semantics.md §2). Tags that are *not* promoted because of `disabled`,
`excluded_images` or `optional` are returned too, with their state, so that rules and
`cilint explain` can say why a tag is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from cilint.facts.model import ACTIVE, CONDITIONAL, DISABLED, EXCLUDED, OPTIONAL

COMMIT = "<commit>"  # the tag of a tag_by_commit image: the job's base commit SHA
COMMIT_TAG_REGEX = "^[0-9a-f]{7,40}$"


@dataclass(frozen=True)
class PromotedTag:
    tag: str  # `ns/name:tag`; for commit tags `ns/<image>:<commit>`
    state: str
    kind: str  # "promotion" | "build-cache"
    source: str  # the pipeline tag that is pushed
    target: int | None  # index into promotion.to (0 for the legacy form); None: build cache


def image_items(config: dict) -> list[dict]:
    """`images` in either form: the legacy bare list, or `{items: [...]}`."""
    images = config.get("images")
    if isinstance(images, dict):
        images = images.get("items")
    return (
        [item for item in images or () if isinstance(item, dict)]
        if isinstance(images, list)
        else []
    )


def promotion_targets(config: dict) -> list[tuple[int, dict, tuple[str | int, ...]]]:
    """(index, target, JSON path) for each target; the legacy form is one target."""
    promotion = config.get("promotion")
    if not isinstance(promotion, dict):
        return []
    if "to" in promotion:
        targets = promotion.get("to")
        if not isinstance(targets, list):
            return []
        return [
            (i, t, ("promotion", "to", i)) for i, t in enumerate(targets) if isinstance(t, dict)
        ]
    if promotion.get("namespace"):
        return [(0, promotion, ("promotion",))]
    return []


def _select(target: dict, items: list[dict]) -> tuple[dict[str, str], list[str], list[str]]:
    """ci-tools `toPromote` for one target: (dst → src, optional names, excluded names)."""
    selected: dict[str, str] = {}
    optional: list[str] = []
    for item in items:
        name = item.get("to")
        if not isinstance(name, str) or not name:
            continue
        if item.get("optional") is True:
            optional.append(name)
        else:
            selected[name] = name
    excluded: list[str] = []
    for name in target.get("excluded_images") or ():
        if name == "*":
            excluded.extend(selected)
            selected.clear()
            break
        if name in selected:
            del selected[name]
            excluded.append(name)
    additional = target.get("additional_images")
    if isinstance(additional, dict):
        for dst, src in additional.items():
            if isinstance(src, str):
                selected[str(dst)] = src
    return selected, optional, excluded


def _destination(target: dict, image: str) -> str | None:
    namespace = target.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        return None
    name, tag = target.get("name"), target.get("tag")
    if isinstance(name, str) and name:
        return f"{namespace}/{name}:{image}"
    if isinstance(tag, str) and tag:
        return f"{namespace}/{image}:{tag}"
    return None


def promoted_tags(
    config: dict, org: str, repo: str, branch: str, variant: str
) -> list[PromotedTag]:
    items = image_items(config)
    result: list[PromotedTag] = []
    targets = promotion_targets(config)
    any_enabled = False
    for index, target, _ in targets:
        disabled = target.get("disabled") is True
        any_enabled = any_enabled or not disabled
        selected, optional, excluded = _select(target, items)
        by_commit = target.get("tag_by_commit") is True
        candidates = [(dst, src, DISABLED if disabled else ACTIVE) for dst, src in selected.items()]
        # An image excluded and then re-added by additional_images is one (active) entry.
        candidates += [(name, name, OPTIONAL) for name in optional if name not in selected]
        candidates += [(name, name, EXCLUDED) for name in excluded if name not in selected]
        for dst, src, state in candidates:
            destination = _destination(target, dst)
            if destination is None:
                continue
            result.append(PromotedTag(destination, state, "promotion", src, index))
            if by_commit:
                # Commit tags follow their float tag; when it is written, they exist only for
                # the commits that get promoted.
                commit_state = CONDITIONAL if state == ACTIVE else state
                commit_tag = f"{target['namespace']}/{dst}:{COMMIT}"
                result.append(PromotedTag(commit_tag, commit_state, "promotion", src, index))
    promotion = config.get("promotion")
    commands = config.get("binary_build_commands")
    if (
        isinstance(promotion, dict)
        and isinstance(commands, str)
        and commands.strip()
        and promotion.get("disable_build_cache") is not True
    ):
        result.append(
            PromotedTag(
                build_cache_tag(config, org, repo, branch, variant),
                ACTIVE if any_enabled else CONDITIONAL,
                "build-cache",
                "bin",
                None,
            )
        )
    return result


def build_cache_tag(config: dict, org: str, repo: str, branch: str, variant: str) -> str:
    """`build-cache/<org>-<repo>:<branch>[-<variant>]`, from the in-file metadata like ci-tools."""
    metadata = config.get("zz_generated_metadata")
    if isinstance(metadata, dict) and metadata.get("org") and metadata.get("repo"):
        org, repo = str(metadata["org"]), str(metadata["repo"])
        branch = str(metadata.get("branch") or branch)
        variant = str(metadata.get("variant") or "")
    suffix = f"-{variant}" if variant else ""
    return f"build-cache/{org}-{repo}:{branch}{suffix}"
