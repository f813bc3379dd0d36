#!/usr/bin/env python3
"""Set up and run cilint's development tasks with nothing but Python 3.11+ and git.

python3 dev.py demo    # venv + install, then cilint on examples/release
python3 dev.py test    # venv + install, then ruff, mypy and the test suite
python3 dev.py bench   # venv + install, then the benchmarks in bench/
python3 dev.py fuzz [N]  # venv + install, then tests/test_fuzz.py on N generated inputs (10,000)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".cilint-installed"


def run(*command: str | Path, ok: tuple[int, ...] = (0,)) -> int:
    print("+", " ".join(str(c) for c in command), flush=True)
    code = subprocess.call([str(c) for c in command], cwd=ROOT)
    if code not in ok:
        sys.exit(code)
    return code


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("cilint needs Python 3.11 or newer")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def demo() -> None:
    # The example tree shows every rule firing, so exit code 1 (findings) is the expected one.
    run(BIN / "cilint", "check", "--root", "examples/release", ok=(0, 1))
    # An unproduced tag (a typo of acme/widget:widget), asked in its QCI-APPCI spelling.
    run(
        BIN / "cilint",
        "explain",
        "--root",
        "examples/release",
        "quay-proxy.ci.openshift.org/openshift/ci:acme_widget_widgit",
        ok=(0, 1),
    )


def test() -> None:
    run(BIN / "ruff", "check", "lint", "tests", "bench", "dev.py")
    run(BIN / "ruff", "format", "--check", "lint", "tests", "bench", "dev.py")
    run(BIN / "mypy")  # lint/cilint, as [tool.mypy] in pyproject.toml says
    run(BIN / "python", "-m", "pytest", "-q", *sys.argv[2:])


def bench() -> None:
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev,bench]")
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        run(BIN / "python", script, *sys.argv[2:])


def fuzz() -> None:
    """tests/test_fuzz.py in its "fuzz" profile: N generated inputs (10,000 by default) shared
    among its tests, then how many were tried, the crashes and the slowest input."""
    import json
    import tempfile
    import xml.etree.ElementTree as ElementTree

    wanted = sys.argv[2] if len(sys.argv) > 2 else "10000"
    if not wanted.isdigit() or int(wanted) < 1:
        sys.exit(f"usage: python3 dev.py fuzz [N]: N is how many inputs to try, not {wanted!r}")
    out = Path(tempfile.mkdtemp(prefix="cilint-fuzz-"))
    tried_file, junit = out / "tried.json", out / "junit.xml"
    env = {**os.environ, "CILINT_FUZZ_EXAMPLES": wanted, "CILINT_FUZZ_REPORT": str(tried_file)}
    command = [BIN / "python", "-m", "pytest", "-q", "tests/test_fuzz.py", f"--junitxml={junit}"]
    print("+", " ".join(str(c) for c in command), f"(CILINT_FUZZ_EXAMPLES={wanted})", flush=True)
    code = subprocess.call([str(c) for c in command], cwd=ROOT, env=env)
    tried = json.loads(tried_file.read_text()) if tried_file.exists() else {}
    suites = ElementTree.parse(junit).getroot().iter("testsuite") if junit.exists() else []
    crashes = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    print(f"inputs tried: {tried.get('inputs', 0):,}")
    print(
        f"crashes: {crashes}"
        + (" (each test's smallest failing input is above)" if crashes else "")
    )
    print(f"slowest input: {tried.get('slowest', 0.0):.3f} s, {tried.get('slowest_input', '-')}")
    sys.exit(code)


TASKS = {"demo": demo, "test": test, "bench": bench, "fuzz": fuzz}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(TASKS)}}} [args]")
    ensure_venv()
    TASKS[sys.argv[1]]()
