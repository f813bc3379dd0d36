"""Facts of step-registry files: each ref, chain, workflow and observer, with what it pulls."""

from __future__ import annotations

from cilint.facts.model import FileFacts, RegistryElement
from cilint.facts.parsed_file import ParsedFile
from cilint.facts.steps import from_image_consumer, location, phases, step_items
from cilint.inputs.kinds import INPUT_KINDS
from cilint.tags import Registries


def extract(ctx: ParsedFile, content: bytes, registries: Registries) -> FileFacts:
    row = INPUT_KINDS[ctx.kind]
    top, name_key = str(row.element), str(row.name_key)
    data = ctx.data
    body = data.get(top) if isinstance(data, dict) else None
    if not isinstance(body, dict) or not isinstance(body.get(name_key), str):
        return FileFacts()
    name = body[name_key]
    owner = f"{top} {name}"
    where = location(ctx, (top, name_key), "value")
    if top in ("ref", "observer"):
        observers = body.get("observers") if top == "ref" else None
        element = RegistryElement(
            top,
            name,
            where,
            consumes=from_image_consumer(ctx, body, (top,), f"{top}.from_image", owner),
            observers=tuple(o for o in observers or () if isinstance(o, str))
            if isinstance(observers, list)
            else (),
        )
    elif top == "chain":
        element = RegistryElement(
            top, name, where, steps=step_items(ctx, body.get("steps"), (top, "steps"), owner)
        )
    else:
        element = RegistryElement(
            top, name, where, phases=phases(ctx, body.get("steps"), (top, "steps"), owner)
        )
    return FileFacts(registry=(element,))
