"""Where the shipped data lives: `schemas/` and `policies/`.

In a wheel they are packaged as `cilint/_data/`; in a source checkout (editable install) they
are the top-level folders of the repository.
"""

from __future__ import annotations

import os
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


def installation_stamp() -> str:
    """Names, sizes and modification times of cilint's code and shipped data, in one string:
    a cheap stand-in for their content, for records that must not outlive an upgrade."""
    parts = []
    for folder in (_PACKAGE, data_dir("schemas"), data_dir("policies")):
        for base, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json", ".yaml")):
                    st = os.stat(os.path.join(base, name))
                    parts.append(f"{base}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)
