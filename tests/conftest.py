from __future__ import annotations

import os
from pathlib import Path

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
