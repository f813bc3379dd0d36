"""Facts of the ci-images-mirror config (`core-services/image-mirroring/_config.yaml`).

ci-tools `pkg/controller/quay_io_ci_images_distributor/supplemental_images.go`: every
`supplementalCIImages` key is mirrored into QCI (unless its source is in `ignoredSources`),
`artImages` rules mirror every matching tag ART publishes (a pattern, so a *conditional*
producer), and `qciToAppCIImages` keys assert that the QCI tag exists.
"""

from __future__ import annotations

from cilint.facts.model import ACTIVE, CONDITIONAL, EXCLUDED, FileFacts, Producer, TagPattern
from cilint.facts.parsed_file import ParsedFile, listed
from cilint.facts.steps import image_reference, location
from cilint.tags import Registries


def _source_image(source: dict, app_ci: str) -> tuple[str | None, str | None]:
    """(pull spec, IST) of a supplemental or ignored source."""
    image = source.get("image") if isinstance(source.get("image"), str) else None
    ist = image_reference(source)
    if image is None and ist:
        image = f"{app_ci}/{ist}"
    return image, ist


def _ignored_by(source: dict, ignored: list[tuple[int, dict]], app_ci: str) -> int | None:
    """ci-tools `ignored`: same image; ignored image = app.ci/<source IST>; same IST; or source
    image = app.ci/<ignored IST>."""
    image, ist = _source_image(source, app_ci)
    for index, entry in ignored:
        other_image, other_ist = _source_image(entry, app_ci)
        if (
            (image and image == other_image)
            or (ist and other_image == f"{app_ci}/{ist}")
            or (ist and ist == other_ist)
            or (other_ist and image == f"{app_ci}/{other_ist}")
        ):
            return index
    return None


def extract(ctx: ParsedFile, content: bytes, registries: Registries) -> FileFacts:
    config = ctx.data
    if not isinstance(config, dict):
        return FileFacts()
    owner = ctx.path
    producers: list[Producer] = []
    ignored = [
        (i, e) for i, e in enumerate(listed(config.get("ignoredSources"))) if isinstance(e, dict)
    ]
    supplemental = config.get("supplementalCIImages")
    if isinstance(supplemental, dict):
        for target, source in supplemental.items():
            if not isinstance(source, dict):
                continue
            where = location(ctx, ("supplementalCIImages", target))
            image, _ = _source_image(source, registries.app_ci)
            hit = _ignored_by(source, ignored, registries.app_ci)
            if hit is None:
                producers.append(
                    Producer(
                        "supplemental",
                        target,
                        ACTIVE,
                        where,
                        f"supplementalCIImages, mirrored from {image}",
                        owner,
                    )
                )
            else:
                producers.append(
                    Producer(
                        "supplemental",
                        target,
                        EXCLUDED,
                        where,
                        f"supplementalCIImages from {image}, but ignoredSources[{hit}] drops it",
                        owner,
                    )
                )
    backfill = config.get("qciToAppCIImages")
    if isinstance(backfill, dict):
        for target in backfill:
            producers.append(
                Producer(
                    "qci-to-appci",
                    target,
                    ACTIVE,
                    location(ctx, ("qciToAppCIImages", target)),
                    "qciToAppCIImages: asserts the QCI tag exists and copies it back to app.ci",
                    owner,
                )
            )
    for index, rule in enumerate(listed(config.get("artImages"))):
        if not isinstance(rule, dict) or not isinstance(rule.get("namespace"), str):
            continue
        name = rule.get("name", rule.get("Name"))
        tag = rule.get("tag", rule.get("Tag"))
        if not isinstance(name, str) or not name:
            continue
        pattern = TagPattern(rule["namespace"], name, tag if isinstance(tag, str) and tag else None)
        producers.append(
            Producer(
                "art",
                None,
                CONDITIONAL,
                location(ctx, ("artImages", index), "value"),
                f"artImages[{index}]: every tag ART publishes in {pattern} is mirrored",
                owner,
                pattern=pattern,
            )
        )
    return FileFacts(producers=tuple(producers))
