"""Where the shipped data lives: `schemas/` and `policies/`.

In a wheel they are packaged as `cilint/_data/`; in a source checkout (editable install) they
are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cilint installation is missing its {name}/ folder")


def schema_path(stem: str) -> Path:
    return data_dir("schemas") / f"{stem}.schema.json"


def policy_path(name: str) -> Path:
    return data_dir("policies") / f"{name}.yaml"
