"""Facts of a ci-operator config: what it promotes and which image tags it pulls."""

from __future__ import annotations

from cilint.facts.model import (
    Consumer,
    FileFacts,
    Producer,
    TagPattern,
    TestUsage,
)
from cilint.facts.parsed_file import ParsedFile, listed
from cilint.facts.promotion import COMMIT, COMMIT_TAG_REGEX, promoted_tags, promotion_targets
from cilint.facts.steps import (
    PHASES,
    from_image_consumer,
    image_reference,
    location,
    phases,
)
from cilint.inputs.config_path import parse_config_path
from cilint.tags import Registries
from cilint.yaml.json_path import format_path


def config_owner(config: dict, fallback: str) -> str:
    """`org/repo@branch [variant]`, as ci-tools' `Metadata.AsString()` prints it."""
    metadata = config.get("zz_generated_metadata")
    if isinstance(metadata, dict) and metadata.get("org") and metadata.get("repo"):
        text = f"{metadata['org']}/{metadata['repo']}@{metadata.get('branch', '')}"
        return f"{text} [{metadata['variant']}]" if metadata.get("variant") else text
    return fallback


def _path_info(ctx: ParsedFile) -> tuple[str, str, str, str]:
    info = parse_config_path(ctx.relative)
    if isinstance(info, str):
        return ("", "", "", "")
    return (info.org, info.repo, info.branch, info.variant)


def _producers(ctx: ParsedFile, config: dict, owner: str) -> list[Producer]:
    org, repo, branch, variant = _path_info(ctx)
    targets = {index: (target, path) for index, target, path in promotion_targets(config)}
    producers = []
    for promoted in promoted_tags(config, org, repo, branch, variant):
        if promoted.kind == "build-cache":
            where = location(ctx, ("binary_build_commands",))
            detail = "build cache of binary_build_commands, pushed by the promotion job"
        else:
            assert promoted.target is not None  # None for the build cache only
            target, path = targets[promoted.target]
            word = format_path(path)
            where = location(ctx, path, "key" if path == ("promotion",) else "value")
            mode = "name" if target.get("name") else "tag"
            source = (
                f", from pipeline tag {promoted.source!r}"
                if promoted.source != promoted.tag.rsplit(":", 1)[-1]
                else ""
            )
            detail = f"{word} ({mode} mode) of {owner}{source}"
        if promoted.tag.endswith(":" + COMMIT):
            namespace, rest = promoted.tag.split("/", 1)
            image = rest.rsplit(":", 1)[0]
            pattern = TagPattern(namespace, f"^{_re_escape(image)}$", COMMIT_TAG_REGEX)
            producers.append(
                Producer(
                    "promotion",
                    None,
                    promoted.state,
                    where,
                    f"{detail}, tagged by commit (tag_by_commit)",
                    owner,
                    pattern=pattern,
                )
            )
        else:
            producers.append(
                Producer(promoted.kind, promoted.tag, promoted.state, where, detail, owner)
            )
    return producers


def _re_escape(text: str) -> str:
    return "".join("\\" + ch if ch in ".^$*+?()[]{}|\\" else ch for ch in text)


def _tag_spec(config: dict) -> tuple[str, str] | None:
    spec = config.get("tag_specification")
    if (
        isinstance(spec, dict)
        and isinstance(spec.get("namespace"), str)
        and isinstance(spec.get("name"), str)
    ):
        return spec["namespace"], spec["name"]
    return None


def _consumers(ctx: ParsedFile, config: dict, owner: str) -> list[Consumer]:
    consumers: list[Consumer] = []
    defaults = _tag_spec(config)
    for field in ("base_images", "base_rpm_images"):
        images = config.get(field)
        if not isinstance(images, dict):
            continue
        for alias, ref in images.items():
            if not isinstance(ref, dict):
                continue
            if defaults and ref.get("tag") and not ref.get("namespace") and not ref.get("name"):
                # ci-tools defaultImageFromReleaseTag: both empty → taken from tag_specification.
                ref = {**ref, "namespace": defaults[0], "name": defaults[1]}
            tag = image_reference(ref)
            if tag:
                consumers.append(
                    Consumer(f"{field}.{alias}", location(ctx, (field, alias)), owner, tag=tag)
                )
    build_root = config.get("build_root")
    if isinstance(build_root, dict):
        tag = image_reference(build_root.get("image_stream_tag"))
        if tag:
            consumers.append(
                Consumer(
                    "build_root.image_stream_tag",
                    location(ctx, ("build_root", "image_stream_tag")),
                    owner,
                    tag=tag,
                )
            )
    if defaults:
        consumers.append(
            Consumer(
                "tag_specification",
                location(ctx, ("tag_specification",)),
                owner,
                stream="/".join(defaults),
            )
        )
    releases = config.get("releases")
    if isinstance(releases, dict):
        for name, release in releases.items():
            integration = release.get("integration") if isinstance(release, dict) else None
            if isinstance(integration, dict) and all(
                isinstance(integration.get(k), str) and integration.get(k)
                for k in ("namespace", "name")
            ):
                consumers.append(
                    Consumer(
                        f"releases.{name}.integration",
                        location(ctx, ("releases", name, "integration")),
                        owner,
                        stream=f"{integration['namespace']}/{integration['name']}",
                    )
                )
    for index, raw in enumerate(listed(config.get("raw_steps"))):
        if not isinstance(raw, dict):
            continue
        step = raw.get("input_image_tag_step")
        if isinstance(step, dict):
            tag = image_reference(step.get("base_image"))
            if tag:
                consumers.append(
                    Consumer(
                        f"raw_steps[{index}].input_image_tag_step.base_image",
                        location(ctx, ("raw_steps", index, "input_image_tag_step", "base_image")),
                        owner,
                        tag=tag,
                    )
                )
        test_step = raw.get("test_step")
        if isinstance(test_step, dict):
            consumers.extend(
                _literal_consumers(
                    ctx,
                    test_step.get("literal_steps"),
                    ("raw_steps", index, "test_step", "literal_steps"),
                    owner,
                )
            )
    for index, test in enumerate(listed(config.get("tests"))):
        if isinstance(test, dict):
            consumers.extend(
                _literal_consumers(
                    ctx, test.get("literal_steps"), ("tests", index, "literal_steps"), owner
                )
            )
    return consumers


def _literal_consumers(ctx: ParsedFile, literal: object, path: tuple, owner: str) -> list[Consumer]:
    """from_image of fully resolved (literal) steps and observers."""
    if not isinstance(literal, dict):
        return []
    consumers: list[Consumer] = []
    for phase in (*PHASES, "observers"):
        for index, step in enumerate(listed(literal.get(phase))):
            if isinstance(step, dict):
                here = (*path, phase, index)
                field = ".".join(str(p) for p in path) + f".{phase}[{index}].from_image"
                consumers.extend(from_image_consumer(ctx, step, here, field, owner))
    return consumers


def _tests(ctx: ParsedFile, config: dict, owner: str) -> list[TestUsage]:
    usages = []
    for index, test in enumerate(listed(config.get("tests"))):
        if not isinstance(test, dict) or not isinstance(test.get("steps"), dict):
            continue
        steps = test["steps"]
        name = found if isinstance(found := test.get("as"), str) else f"tests[{index}]"
        workflow = found if isinstance(found := steps.get("workflow"), str) else None
        usages.append(
            TestUsage(
                owner=owner,
                name=name,
                location=location(ctx, ("tests", index), "value"),
                workflow=workflow,
                workflow_location=location(ctx, ("tests", index, "steps", "workflow"), "value")
                if workflow
                else None,
                phases=phases(ctx, steps, ("tests", index, "steps"), owner),
            )
        )
    return usages


def extract(ctx: ParsedFile, content: bytes, registries: Registries) -> FileFacts:
    config = ctx.data
    if not isinstance(config, dict):
        return FileFacts()
    owner = config_owner(config, ctx.path)
    return FileFacts(
        producers=tuple(_producers(ctx, config, owner)),
        consumers=tuple(_consumers(ctx, config, owner)),
        tests=tuple(_tests(ctx, config, owner)),
        config_owner=owner,
        path=ctx.path,
        notes=tuple(_notes(config)),
    )


def _notes(config: dict) -> list[str]:
    """What the tree cannot tell about this config's images; said, not guessed."""
    notes = []
    build_root = config.get("build_root")
    if isinstance(build_root, dict) and build_root.get("from_repository") is True:
        notes.append(
            "build_root.from_repository: the build root image is named in the repository's "
            ".ci-operator.yaml (build_root_image), which is not in this tree, so it is not checked"
        )
    if isinstance(build_root, dict) and build_root.get("use_build_cache") is True:
        notes.append(
            "build_root.use_build_cache: the build-cache image is reused only when it exists and "
            "matches the root; a missing one falls back to the normal root, so it is not checked"
        )
    return notes
