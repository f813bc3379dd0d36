from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import settings

# Timing is measured in bench/, never asserted in tests: no per-example deadline (a busy CI
# machine made a fast property test exceed hypothesis' default 200 ms).
settings.register_profile("cilint", deadline=None)
settings.load_profile("cilint")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CILINT_SHARED", REPO.parent / "shared")).resolve()
CORPUS_RELEASE = SHARED / "corpus" / "openshift-release"
CORPUS_CITOOLS = SHARED / "corpus" / "ci-tools-testdata"

needs_shared = pytest.mark.skipif(
    not CORPUS_RELEASE.is_dir(),
    reason=f"the shared corpus is not at {SHARED} (set CILINT_SHARED to its folder)",
)


def pytest_configure(config: pytest.Config) -> None:
    """CLI runs in tests keep their result cache in a folder of this session, not the user's."""
    import tempfile

    os.environ.setdefault("CILINT_CACHE_DIR", tempfile.mkdtemp(prefix="cilint-test-cache-"))
    # In a Prow job $ARTIFACT_DIR is set: the checks tests run would each leave their JUnit
    # there (`cilint check` writes junit_cilint.xml), and Prow would show them as results.
    os.environ.pop("ARTIFACT_DIR", None)


def bench_generate_tree() -> ModuleType:
    """bench/generate_tree.py, the generator of synthetic release trees, as a module."""
    loaded = sys.modules.get("generate_tree")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("generate_tree", REPO / "bench/generate_tree.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_tree"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


SARIF_SCHEMA = SHARED / "schemas-external" / "sarif-schema-2.1.0.json"
needs_sarif_schema = pytest.mark.skipif(
    not SARIF_SCHEMA.is_file(), reason=f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA}"
)


def valid_sarif(text: str) -> dict[str, Any]:
    """The SARIF log in `text`, checked against the OASIS SARIF 2.1.0 schema when the shared
    folder holds it (tests whose point is the schema are marked `needs_sarif_schema`)."""
    log: dict[str, Any] = json.loads(text)
    if SARIF_SCHEMA.is_file():
        from jsonschema import Draft4Validator  # the schema is draft-04

        schema = json.loads(SARIF_SCHEMA.read_text())
        errors = [
            f"{list(e.absolute_path)}: {e.message}"
            for e in Draft4Validator(schema).iter_errors(log)
        ]
        assert errors == []
    return log


def same_data(a: object, b: object) -> bool:
    """Equal documents, in the same key order and types; NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_data(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b


def run_cilint(*args: str, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m cilint ARGS` in `cwd`, uncoloured, with `env` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "cilint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **env},
        check=False,
    )


def run_audited(
    *args: str, cwd: Path, log: Path, prefix: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess[str]:
    """`cilint ARGS` in `cwd` under the audit hook of tests/audited_cilint.py, every process's
    events appended to `log` (a JSON object a line); `prefix` runs before it (`unshare -n`).
    Python's bytecode cache is off: its writes are the interpreter's, not cilint's."""
    return subprocess.run(
        [*prefix, sys.executable, str(REPO / "tests" / "audited_cilint.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "NO_COLOR": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "CILINT_AUDIT_LOG": str(log),
            **env,
        },
        check=False,
        timeout=600,
    )
