"""Multi-stage step lists (pre/test/post, chain steps) as configs and the registry hold them."""

from __future__ import annotations

from cilint.facts.model import Consumer, Location, StepItem, StepPhases
from cilint.facts.parsed_file import ParsedFile, listed
from cilint.yaml.json_path import JsonPath

PHASES = ("pre", "test", "post")


def location(ctx: ParsedFile, path: JsonPath, at: str = "key", document: int = 0) -> Location:
    """An unresolved place: resolved to a line only if a finding or an answer needs it."""
    return Location(ctx.path, 0, 0, document, tuple(path), at)


def image_reference(value: object) -> str | None:
    """`{namespace, name, tag}` → `ns/name:tag` when all three are non-empty strings."""
    if not isinstance(value, dict):
        return None
    parts = [value.get(key) for key in ("namespace", "name", "tag")]
    if all(isinstance(part, str) and part for part in parts):
        return f"{parts[0]}/{parts[1]}:{parts[2]}"
    return None


def from_image_consumer(
    ctx: ParsedFile, step: dict, path: JsonPath, field: str, owner: str
) -> tuple[Consumer, ...]:
    tag = image_reference(step.get("from_image"))
    if tag is None:
        return ()
    return (Consumer(field, location(ctx, (*path, "from_image")), owner, tag=tag),)


def _names(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def step_items(ctx: ParsedFile, steps: object, path: JsonPath, owner: str) -> tuple[StepItem, ...]:
    if not isinstance(steps, list):
        return ()
    items = []
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        here = (*path, index)
        if isinstance(step.get("ref"), str):
            items.append(StepItem("ref", step["ref"], location(ctx, (*here, "ref"), "value")))
        elif isinstance(step.get("chain"), str):
            items.append(StepItem("chain", step["chain"], location(ctx, (*here, "chain"), "value")))
        else:
            name = found if isinstance(found := step.get("as"), str) else f"step {index}"
            field = f"{'.'.join(str(p) for p in path)}[{index}].from_image"
            items.append(
                StepItem(
                    "literal",
                    name,
                    location(ctx, here, "value"),
                    consumes=from_image_consumer(ctx, step, here, field, owner),
                    observers=_names(step.get("observers")),
                )
            )
    return tuple(items)


def phases(ctx: ParsedFile, steps: object, path: JsonPath, owner: str) -> StepPhases:
    """pre/test/post of a `steps:` block; a phase that is absent stays None (unset)."""
    if not isinstance(steps, dict):
        return StepPhases()
    observers = found if isinstance(found := steps.get("observers"), dict) else {}
    return StepPhases(
        **{
            phase: step_items(ctx, steps[phase], (*path, phase), owner) if phase in steps else None
            for phase in PHASES
        },
        observers_enable=_names(observers.get("enable")),
        observers_disable=_names(observers.get("disable")),
        observer_locations=tuple(
            (name, location(ctx, (*path, "observers", "enable", index), "value"))
            for index, name in enumerate(listed(observers.get("enable")))
            if isinstance(name, str)
        ),
    )
