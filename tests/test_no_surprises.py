"""No surprises (issue 14, part 7): what real `cilint check` and `cilint explain` runs do to the
world, watched from inside (a Python audit hook in every process of the run,
tests/audited_cilint.py) and from outside (the file system before and after; a network
namespace without a network).

Cold and warm checks with `-o` reports, `--fix`, the pre-commit hook's run in git, explain from
the tree and from its index: no network, no code from YAML, no process but git, and no write
outside the cache but the reports asked for and the files `--fix` rewrites.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, bench_generate_tree, run_audited

MARKER = "cilint_audit_marker"
# Tags that make an unsafe YAML loader run code: each would leave a file named after MARKER, or
# import a module named so.
CODE_IN_YAML = f"""\
build_root: !!python/object/apply:os.system ["touch {MARKER}-system"]
resources: !!python/object/new:subprocess.Popen [["touch", "{MARKER}-popen"]]
tests:
- as: !!python/name:builtins.eval
  commands: !!python/module:{MARKER}_module
  container: !custom {{from: {MARKER}}}
zz_generated_metadata: !!python/object:{MARKER}_module.Thing {{branch: main}}
"""
CODE_PATH = "ci-operator/config/evil/repo/evil-repo-main.yaml"
CHANGED = "ci-operator/config/evil/repo/evil-repo-main.yaml"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


Snapshot = dict[str, tuple[str, int, int]]


def _snapshot(top: Path, leave_out: list[Path]) -> Snapshot:
    """Every file and folder under `top` (but `leave_out`): its kind, size and mtime."""
    found: Snapshot = {}
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if Path(folder, d) not in leave_out]
        for name in dirs + files:
            path = Path(folder, name)
            if path in leave_out:
                continue
            st = path.lstat()
            kind = "dir" if path.is_dir() and not path.is_symlink() else "file"
            found[str(path.relative_to(top))] = (
                kind,
                0 if kind == "dir" else st.st_size,
                st.st_mtime_ns,
            )
    return found


class Audited:
    """Runs of cilint under the audit hook, all logging to one file."""

    def __init__(self, work: Path, tree: Path) -> None:
        self.work, self.tree = work, tree
        self.log = work / "events.jsonl"
        self.spans: dict[str, tuple[int, int]] = {}  # run → its events' lines in the log

    def named(self, name: str, *args: str) -> subprocess.CompletedProcess[str]:
        """`run`, its events remembered under `name`."""
        start = len(self.events())
        result = self.run(*args)
        self.spans[name] = (start, len(self.events()))
        return result

    def run(self, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return run_audited(
            *args, cwd=self.tree, log=self.log, prefix=prefix, CILINT_AUDIT_MARKER=MARKER
        )

    def events(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A tree of a few hundred generated configs (enough for worker processes) with mirror
    sets to fix and a config full of Python tags, in git; every kind of run on it, watched."""
    work = tmp_path_factory.mktemp("watched")
    tree = work / "tree"
    bench_generate_tree().generate(tree, 300, 3, 1)
    (tree / CODE_PATH).parent.mkdir(parents=True)
    (tree / CODE_PATH).write_text(CODE_IN_YAML)
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    _git(tree, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "x")
    # Folders older than a walk's racy window: warm runs keep the walk, and the second explain
    # answers from the index.
    past = time.time_ns() - 100_000_000_000
    for folder in [tree, *(p for p in tree.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(past, past))
    cache, out = work / "cache", work / "out"
    out.mkdir()
    runs = Audited(work, tree)
    leave_out = [cache, out, runs.log]
    before = _snapshot(work, leave_out)
    reports = ["--format", "json", "--format", "sarif", "--format", "text"]  # text on stdout
    reports += ["-o", str(out / "report.json"), "-o", str(out / "report.sarif")]
    reports += ["--output-format", f"junit={out / 'junit.xml'}"]
    common = ["--cache-dir", str(cache), "--jobs", "2"]
    done: dict[str, subprocess.CompletedProcess[str]] = {}
    done["cold"] = runs.named("cold", "check", *reports, *common)
    done["warm"] = runs.named("warm", "check", *reports, *common)
    done["no cache"] = runs.named("no cache", "check", "--no-cache", "--jobs", "2")
    for name in ("explain, from the tree", "explain, from the index"):
        done[name] = runs.named(name, "explain", "ocp/4.18:base", *common)
    fixable = [
        f["path"] for f in json.loads((out / "report.json").read_text())["findings"]
        if f["rule"] == "mirror-precedence"
    ]  # fmt: skip
    done["fix"] = runs.named("fix", "check", "--fix", *common)
    with open(tree / CHANGED, "a", encoding="utf-8") as handle:  # a change for the hook
        handle.write("# touched\n")
    done["hook"] = runs.named("hook", "check", CHANGED, *common)
    after = _snapshot(work, leave_out)
    return {
        "work": work,
        "tree": tree,
        "cache": cache,
        "out": out,
        "runs": runs,
        "done": done,
        "before": before,
        "after": after,
        "fix targets": sorted(set(fixable)),
        "events": runs.events(),
    }


def test_every_run_ended_as_it_should(watched: dict[str, Any]) -> None:
    for name, result in watched["done"].items():
        expected = 0 if name.startswith("explain") else 1
        assert result.returncode == expected, f"{name}: {result.stderr}"
        assert "Traceback" not in result.stderr, name
    assert watched["fix targets"], "the tree has no mirror list to fix: the test proves nothing"
    assert "fixed" in watched["done"]["fix"].stderr


def test_the_hook_saw_every_process_of_the_runs(watched: dict[str, Any]) -> None:
    """The workers (forked) and the walk's child report through the hook too: reads of inputs
    come from more than one process."""
    tree = str(watched["tree"])
    readers = {
        e["pid"] for e in watched["events"] if e["event"] == "open" and e["path"].startswith(tree)
    }
    assert len(readers) > len(watched["done"])


def test_no_network(watched: dict[str, Any]) -> None:
    assert [e for e in watched["events"] if e["event"].startswith("socket.")] == []


def test_no_code_from_yaml(watched: dict[str, Any]) -> None:
    events = watched["events"]
    assert [e for e in events if e["event"] in ("compile", "import")] == []
    assert not list(watched["work"].rglob(f"{MARKER}*"))
    programs = {
        os.path.basename(str(e["args"][0])) for e in events if e["event"] == "subprocess.Popen"
    }
    assert programs == {"git"}  # the hook's run asks git for the base; nothing else runs
    assert [e for e in events if e["event"] in ("os.system", "os.exec", "os.posix_spawn")] == []
    # The config was read and reported, not skipped: the tags met the loader.
    findings = json.loads((watched["out"] / "report.json").read_text())["findings"]
    assert {f["rule"] for f in findings if f["path"] == CODE_PATH} == {"yaml-syntax"}


def _writes(events: list[dict[str, Any]]) -> list[str]:
    """Every path an event wrote, created, renamed (both ends), removed or changed."""
    written = []
    for event in events:
        if event["event"] == "open" and event["writing"]:
            written.append(event["path"])
        elif "paths" in event:
            written.extend(event["paths"])
    return written


def _allowed(watched: dict[str, Any], run: str) -> Callable[[str], bool]:
    """Where `run` may write: the cache (but `--no-cache`); the reports a check asked for, and
    the files `--fix` rewrote, each with its temporary sibling."""
    cache = str(watched["cache"])
    targets: list[Path] = []
    if run in ("cold", "warm"):
        targets = [watched["out"] / n for n in ("report.json", "report.sarif", "junit.xml")]
    if run == "fix":
        targets = [watched["tree"] / p for p in watched["fix targets"]]

    def allowed(path: str) -> bool:
        if run != "no cache" and (path == cache or path.startswith(cache + os.sep)):
            return True
        written = Path(path)
        return any(
            written == target
            or (written.parent == target.parent and written.name.startswith(f".{target.name}."))
            for target in targets
        )

    return allowed


def test_no_write_but_the_cache_the_reports_and_the_fixes(watched: dict[str, Any]) -> None:
    events, spans = watched["events"], watched["runs"].spans
    assert set(spans) == {n for n in watched["done"]}
    for run, (start, end) in spans.items():
        written = _writes(events[start:end])
        assert [p for p in written if not _allowed(watched, run)(p)] == [], run
        if run in ("cold", "fix"):  # the hook sees writes: it is watching
            assert written, run
    assert _writes(events[slice(*spans["no cache"])]) == []
    fixed = {str(watched["tree"] / p) for p in watched["fix targets"]}
    assert fixed <= set(_writes(events[slice(*spans["fix"])]))


def test_the_file_system_changed_only_where_asked(watched: dict[str, Any]) -> None:
    before, after = watched["before"], watched["after"]
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    fixed = {f"tree/{p}" for p in watched["fix targets"]}
    # The folder of a fixed file: the rewrite's temporary file came and went by rename.
    folders = {p.rsplit("/", 1)[0] for p in fixed}
    assert changed == sorted(fixed | folders | {f"tree/{CHANGED}"})
    assert all(before[p][0] == after[p][0] == "dir" for p in folders)  # only their times
    assert sorted(p.name for p in watched["out"].iterdir()) == [
        "junit.xml",
        "report.json",
        "report.sarif",
    ]


def test_nothing_read_outside_the_tree_the_cache_and_the_installation(
    watched: dict[str, Any],
) -> None:
    places = [watched["tree"], watched["cache"], REPO / "lint", REPO / "policies", REPO / "schemas"]
    places += [Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)]
    places += [Path(os.path.realpath(p)) for p in (sys.prefix, sys.base_prefix)]
    roots = tuple(str(p) + os.sep for p in places)
    opened = {e["path"] for e in watched["events"] if e["event"] == "open" and not e["writing"]}
    assert sorted(p for p in opened if not p.startswith(roots) and p != os.devnull) == []


def _network_namespace() -> list[str] | None:
    """`unshare -n` (a new network namespace with no interface up) when it works here."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    return ["unshare", "-n"] if probe.returncode == 0 else None


def test_runs_without_a_network_answer_the_same(tmp_path: Path) -> None:
    prefix = _network_namespace()
    if prefix is None:
        pytest.skip("unshare -n needs root (or is not installed) here")
    tree = tmp_path / "tree"
    bench_generate_tree().generate(tree, 300, 3, 1)
    runs = Audited(tmp_path, tree)
    for args in (
        ("check", "--format", "json", "--no-cache", "--jobs", "2"),
        ("check", "--format", "json", "--cache-dir", str(tmp_path / "cache"), "--jobs", "2"),
        ("explain", "ocp/4.18:base", "--cache-dir", str(tmp_path / "cache")),
    ):
        online = runs.run(*args)
        offline = runs.run(*args, prefix=tuple(prefix))
        assert offline.returncode == online.returncode, offline.stderr
        assert offline.stdout == online.stdout
        assert offline.stderr == online.stderr
