"""Hostile trees (issue 14, part 2): real trees on disk, checked end to end by `cilint check`
(whole tree, PATH, the pre-commit hook's run in a git repository) and `cilint explain`.

Symbolic links are never followed (loops cost nothing; nothing outside the root is read),
unreadable files and folders are listed and warned about while the rest is checked, files that
change or vanish during a run get a verdict each, odd names stay parseable in every output
format, and a root that is not one is a one-line error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest

from cilint.config.settings import load_settings
from cilint.inputs.discovery import Inventory
from cilint.pipeline import run as pipeline_run
from cilint.pipeline.run import RunOptions, run_check
from conftest import REPO, bench_generate_tree, run_audited, run_cilint, valid_sarif

EXAMPLES = REPO / "examples" / "release"
WIDGET = "ci-operator/config/acme/widget"
GIZMO = "ci-operator/config/acme/gizmo/acme-gizmo-main.yaml"
PULLED_BY_GIZMO = "acme/widget-1.0:widget"  # and by no other file of the example tree
JUNIT_LINE = re.compile(r"^(.+):(\d+):(\d+): (error|warning|info): (.+)$")
TEXT_LINE = re.compile(r"^(.+):(\d+):(\d+): (error|warning|info): ([A-Z]\d{3}) \[([a-z-]+)\] (.+)$")


def _git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return out.stdout


def _commit(tree: Path) -> None:
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    _git(tree, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "x")


def _copy(tmp_path: Path, name: str = "tree") -> Path:
    tree = tmp_path / name
    shutil.copytree(EXAMPLES, tree, symlinks=True)
    return tree


def _findings(out: str) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def _listing(out: str) -> tuple[list[str], dict[str, str]]:
    """The inputs and the skipped files (path → reason) of `--show-files`' lines."""
    inputs, skipped = [], {}
    for line in out.splitlines():
        fields = line.split("\t")
        if fields[0] == "skipped" and len(fields) == 3:
            skipped[fields[1]] = fields[2]
        elif len(fields) == 2:
            inputs.append(fields[1])
    return inputs, skipped


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The run's only stderr line, an error with exit 2 and no traceback."""
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cilint: error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def clean_findings(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The example tree's findings, to compare hostile copies of it with."""
    tree = _copy(tmp_path_factory.mktemp("clean"))
    result = run_cilint("check", "--root", str(tree), "--format", "json", "--no-cache")
    assert result.returncode == 1, result.stderr
    return _findings(result.stdout)


# --- symbolic links ----------------------------------------------------------------------------


def test_symlink_loops_are_listed_and_cost_nothing(
    tmp_path: Path, clean_findings: list[dict[str, Any]]
) -> None:
    tree = _copy(tmp_path)
    os.symlink("..", tree / "ci-operator/config/acme/up")  # a folder linked to its parent
    os.symlink("../../..", tree / "ci-operator/step-registry/acme/root")  # to the root
    os.symlink("acme-widget-b.yaml", tree / WIDGET / "acme-widget-a.yaml")  # a file cycle
    os.symlink("acme-widget-a.yaml", tree / WIDGET / "acme-widget-b.yaml")
    os.symlink("acme-widget-self.yaml", tree / WIDGET / "acme-widget-self.yaml")
    for cache in ("--no-cache", "--cache-dir"):  # cold, then cold and warm with a cache
        extra = [cache] if cache == "--no-cache" else [cache, str(tmp_path / "cache")]
        for _ in range(1 if cache == "--no-cache" else 2):
            result = run_cilint("check", "--root", str(tree), "--format", "json", *extra)
            assert result.returncode == 1, result.stderr
            assert result.stderr == ""
            assert _findings(result.stdout) == clean_findings
    listed = run_cilint("check", "--root", str(tree), "--show-files", "--no-cache", "-q")
    _, skipped = _listing(listed.stdout)
    for link in (
        "ci-operator/config/acme/up",
        "ci-operator/step-registry/acme/root",
        f"{WIDGET}/acme-widget-a.yaml",
        f"{WIDGET}/acme-widget-b.yaml",
        f"{WIDGET}/acme-widget-self.yaml",
    ):
        assert skipped[link] == "symbolic link, not followed"
    # A PATH naming a loop is a one-line error; one naming a link to a folder of the tree
    # checks that folder.
    line = _one_error_line(run_cilint("check", f"{WIDGET}/acme-widget-a.yaml", cwd=tree))
    assert line == f"cilint: error: {WIDGET}/acme-widget-a.yaml: a loop of symbolic links"
    up = run_cilint("check", "--format", "json", "ci-operator/config/acme/up", cwd=tree)
    assert up.returncode == 1, up.stderr
    assert {f["path"] for f in _findings(up.stdout)} == {
        f["path"] for f in clean_findings if f["path"].startswith("ci-operator/config/")
    }
    explained = run_cilint("explain", "acme/widget:widget", "--no-cache", "--root", str(tree))
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("acme/widget:widget: produced")
    # The pre-commit hook's run: the links are committed (git stores them as links).
    _commit(tree)
    (tree / GIZMO).write_text((tree / GIZMO).read_text() + "# touched\n")
    hook = run_cilint("check", "--format", "json", GIZMO, cwd=tree)
    assert hook.returncode == 1, hook.stderr
    assert {f["path"] for f in _findings(hook.stdout)} == {GIZMO}


OUTSIDE_CONFIG = """\
build_root:
  image_stream_tag:
    name: release
    namespace: openshift
    tag: outside-only-build-root
zz_generated_metadata:
  branch: main
  org: acme
  repo: widget
"""


def _outside(tmp_path: Path) -> Path:
    """Files outside the root that would be findings (or errors) if cilint read them."""
    outside = tmp_path / "outside"
    (outside / "org" / "repo").mkdir(parents=True)
    (outside / "org" / "repo" / "org-repo-main.yaml").write_text(OUTSIDE_CONFIG)
    (outside / "acme-widget-out.yaml").write_text(OUTSIDE_CONFIG)
    (outside / "secret.yaml").write_text("policy: [a secret that must not be quoted]\n")
    (outside / "ci-operator" / "config" / "x" / "y").mkdir(parents=True)
    (outside / "ci-operator" / "config" / "x" / "y" / "x-y-main.yaml").write_text(OUTSIDE_CONFIG)
    return outside


def _opened(log: Path) -> set[str]:
    return {e["path"] for e in _events(log) if e["event"] == "open"}


def _events(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_symlinks_out_of_the_root_are_never_followed(
    tmp_path: Path, clean_findings: list[dict[str, Any]]
) -> None:
    outside = _outside(tmp_path)
    tree = _copy(tmp_path)
    os.symlink(outside / "org", tree / "ci-operator/config/outside-org")  # a folder
    os.symlink(outside / "acme-widget-out.yaml", tree / WIDGET / "acme-widget-out.yaml")
    log = tmp_path / "events.jsonl"
    cache = str(tmp_path / "cache")
    for _ in range(2):  # cold and warm
        result = run_audited(
            "check", "--root", str(tree), "--format", "json", "--cache-dir", cache,
            cwd=tree, log=log,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert _findings(result.stdout) == clean_findings  # nothing of the outside's
    explained = run_audited(
        "explain", "openshift/release:outside-only-build-root", "--root", str(tree),
        "--cache-dir", cache, cwd=tree, log=log,
    )  # fmt: skip
    assert explained.returncode == 1, explained.stderr  # not produced, and not pulled either
    assert "Used by:\n  nothing in this tree" in explained.stdout
    # The proof: no process of any run opened anything under `outside`.
    assert [p for p in _opened(log) if p.startswith(str(outside))] == []
    assert any(p.startswith(str(tree)) for p in _opened(log))  # the hook saw the tree's reads


def test_a_layout_folder_or_file_behind_a_link_out_of_the_root_is_not_read(
    tmp_path: Path,
) -> None:
    outside = _outside(tmp_path)
    tree = _copy(tmp_path)
    shutil.rmtree(tree / "ci-operator")
    os.symlink(outside / "ci-operator", tree / "ci-operator")  # a parent of layout folders
    mirror = tree / "core-services/image-mirroring/_config.yaml"  # a layout entry that is a file
    mirror.unlink()
    os.symlink(outside / "acme-widget-out.yaml", mirror)
    log = tmp_path / "events.jsonl"
    result = run_audited(
        "check", "--root", str(tree), "--format", "json", "--no-cache", cwd=tree, log=log
    )
    assert result.returncode == 1, result.stderr
    assert not any(f["path"].startswith("ci-operator/") for f in _findings(result.stdout))
    listed = run_cilint("check", "--root", str(tree), "--show-files", "--no-cache", "-q")
    _, skipped = _listing(listed.stdout)
    why = "under ci-operator, a symbolic link, not followed"
    assert skipped["ci-operator/config"] == why
    assert skipped["ci-operator/step-registry"] == why
    assert skipped["core-services/image-mirroring/_config.yaml"] == "symbolic link, not followed"
    assert [p for p in _opened(log) if p.startswith(str(outside))] == []


def test_configuration_and_baseline_linked_out_of_the_root_are_not_read(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    tree = _copy(tmp_path)
    log = tmp_path / "events.jsonl"
    (tree / ".cilint.yaml").unlink()  # the example tree's own
    os.symlink(outside / "secret.yaml", tree / ".cilint.yaml")
    result = run_audited("check", "--no-cache", cwd=tree, log=log)
    line = _one_error_line(result)
    assert line.startswith(f"cilint: error: {tree}/.cilint.yaml: leads out of the root (to ")
    assert "must not be quoted" not in line
    (tree / ".cilint.yaml").unlink()
    os.symlink(outside / "secret.yaml", tree / ".cilint-baseline.yaml")
    result = run_audited("check", "--no-cache", cwd=tree, log=log)
    assert "leads out of the root" in _one_error_line(result)
    (tree / ".cilint-baseline.yaml").unlink()
    (tree / ".cilint.yaml").write_text("policy: ../outside/secret.yaml\n")
    result = run_audited("check", "--no-cache", cwd=tree, log=log)
    assert "leads out of the root" in _one_error_line(result)
    assert str(outside / "secret.yaml") not in _opened(log)
    # Given on the command line, the same file is read: the user asked for it.
    given = run_audited(
        "check", "--no-cache", "--config", str(outside / "secret.yaml"), cwd=tree, log=log
    )
    assert given.returncode == 2 and "invalid cilint configuration" in given.stderr
    assert str(outside / "secret.yaml") in _opened(log)


# --- unreadable files and folders --------------------------------------------------------------

NOBODY = 65534
_SETPRIV = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def _drop_to_nobody() -> None:  # runs in the child between fork and exec
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


class Unprivileged(NamedTuple):
    """How to start a process that file modes bind."""

    prefix: list[str]  # before the command: setpriv's
    preexec: Callable[[], None] | None  # or a drop of privileges in the child


def _unprivileged() -> Unprivileged:
    """As it is when not root; as nobody when root (whom chmod 000 does not stop), through
    setpriv if it is there, else by dropping privileges before exec. Skips when neither can
    start cilint."""
    if os.geteuid() != 0:
        return Unprivileged([], None)
    tried = []
    ways = [Unprivileged(_SETPRIV, None)] if shutil.which("setpriv") else []
    for way in [*ways, Unprivileged([], _drop_to_nobody)]:
        try:
            probe = subprocess.run(
                [*way.prefix, sys.executable, "-c", "import cilint"],
                preexec_fn=way.preexec,
                capture_output=True,
                check=False,
                cwd="/",
            )
        except OSError as err:
            tried.append(str(err))
            continue
        if probe.returncode == 0:
            return way
        tried.append(probe.stderr.decode(errors="replace")[-200:])
    pytest.skip(f"cannot run cilint as uid {NOBODY}: {'; '.join(tried)}")


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder an unprivileged user can reach (pytest's tmp_path is private to root)."""
    with tempfile.TemporaryDirectory(prefix="cilint-unreadable-") as folder:
        os.chmod(folder, 0o755)
        yield Path(folder)


def _run_as(
    user: Unprivileged, home: Path, *args: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "HOME": str(home), "CILINT_CACHE_DIR": str(home / "c")}
    return subprocess.run(
        [*user.prefix, sys.executable, "-m", "cilint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        preexec_fn=user.preexec,
        timeout=300,
    )


def _chown_all(top: Path, uid: int) -> None:
    for folder, dirs, files in os.walk(top):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, uid, uid)


def test_unreadable_files_and_folders_are_listed_and_the_rest_is_checked(
    shared_tmp: Path,
) -> None:
    user = _unprivileged()
    tree = _copy(shared_tmp)
    reference = _copy(shared_tmp, "reference")  # the same tree without what is unreadable
    gadget = "ci-operator/config/acme/gadget"
    shutil.rmtree(reference / gadget)
    (reference / GIZMO).unlink()
    _commit(tree)
    if os.geteuid() == 0:
        _chown_all(shared_tmp, NOBODY)  # the owner too is refused by mode 000
    expected = _run_as(user, shared_tmp, "check", "--format", "json", "--no-cache", cwd=reference)
    assert expected.returncode == 1, expected.stderr
    # A first run while the file is away fills the cache: its stored run must not answer later.
    away = shared_tmp / "gizmo.yaml"
    os.rename(tree / GIZMO, away)
    first = _run_as(user, shared_tmp, "check", "--format", "json", cwd=tree)
    assert first.returncode == 1, first.stderr
    os.rename(away, tree / GIZMO)
    os.chmod(tree / GIZMO, 0)
    os.chmod(tree / gadget, 0)
    warning = (
        "cilint: warning: 2 file(s) or folder(s) of the tree could not be read, so what they "
        "hold was not checked:\n"
        f"  {gadget}: cannot read folder: Permission denied\n"
        f"  {GIZMO}: cannot read: Permission denied\n"
    )
    try:
        for cache in ([], [], ["--no-cache"]):  # warm after the first run, again, and cold
            result = _run_as(user, shared_tmp, "check", "--format", "json", *cache, cwd=tree)
            assert result.returncode == 1, result.stderr
            assert result.stderr == warning
            assert _findings(result.stdout) == _findings(expected.stdout)
        listed = _run_as(user, shared_tmp, "check", "--show-files", "-q", cwd=tree)
        inputs, skipped = _listing(listed.stdout)
        assert GIZMO in inputs and skipped[GIZMO] == "cannot read: Permission denied"
        assert skipped[gadget] == "cannot read folder: Permission denied"
        # PATH and the pre-commit hook's run on the readable rest; explain warns the same way.
        path_run = _run_as(user, shared_tmp, "check", "-q", f"{WIDGET}", cwd=tree)
        assert path_run.returncode == 1 and path_run.stderr == warning, path_run.stderr
        assert path_run.stdout and all(
            line.startswith(f"{WIDGET}/") for line in path_run.stdout.splitlines()
        )
        explained = _run_as(user, shared_tmp, "explain", PULLED_BY_GIZMO, cwd=tree)
        assert explained.returncode == 1 and explained.stderr == warning, explained.stderr
        assert "Used by:\n  nothing in this tree" in explained.stdout  # its only user: unreadable
        for command in (["graph"], ["baseline", "write", "--baseline", str(shared_tmp / "b.yaml")]):
            other = _run_as(user, shared_tmp, *command, cwd=tree)
            assert other.returncode == 0 and other.stderr.startswith(warning), other.stderr
        # Readable again: a chmod changes neither size nor mtime, yet the file is checked.
        os.chmod(tree / GIZMO, 0o644)
        os.chmod(tree / gadget, 0o755)
        again = _run_as(user, shared_tmp, "check", "--format", "json", cwd=tree)
        assert again.stderr == ""
        assert any(f["path"] == GIZMO for f in _findings(again.stdout))
        assert any(f["path"].startswith(gadget) for f in _findings(again.stdout))
        explained = _run_as(user, shared_tmp, "explain", PULLED_BY_GIZMO, cwd=tree)
        assert explained.returncode == 1 and explained.stderr == "", explained.stderr
        assert f"Used by:\n  {GIZMO}:6" in explained.stdout
    finally:
        os.chmod(tree / GIZMO, 0o644)
        os.chmod(tree / gadget, 0o755)


# --- files that change or vanish during the run -----------------------------------------------


class Hung(Exception):
    """A run that did not end (not an OSError, which a read error is)."""


def test_inputs_changed_between_the_walk_and_the_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real walk runs, then the tree changes under the run before any input is read: the
    run goes on with the changed tree (a FIFO must not block it, a link must not be followed)."""
    tree = _copy(tmp_path)
    outside = _outside(tmp_path)
    gone = f"{WIDGET}/acme-widget-main__okd.yaml"
    fifo = f"{WIDGET}/acme-widget-release-1.0.yaml"
    linked = "ci-operator/config/acme/gadget/acme-gadget-main.yaml"
    folder = "ci-operator/config/acme/gadget/acme-gadget-release-2.0.yaml"
    garbage = f"{WIDGET}/acme-widget-main.yaml"
    vanished_folder = "ci-operator/step-registry/acme/deploy"
    discover = pipeline_run.discover

    def discover_then_change(*args: Any, **kwargs: Any) -> Inventory:
        inventory = discover(*args, **kwargs)
        (tree / gone).unlink()
        (tree / fifo).unlink()
        os.mkfifo(tree / fifo)
        (tree / linked).unlink()
        os.symlink(outside / "acme-widget-out.yaml", tree / linked)
        (tree / folder).unlink()
        (tree / folder).mkdir()
        (tree / garbage).write_bytes(b"tests: [unclosed\n")
        shutil.rmtree(tree / vanished_folder)
        return inventory

    monkeypatch.setattr(pipeline_run, "discover", discover_then_change)

    def hung(signum: int, frame: object) -> None:
        raise Hung("the run blocked (on the FIFO?)")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)  # a read that blocks on the FIFO would hang the test: fail it instead
    try:
        result = run_check(load_settings(tree), None, RunOptions(jobs=1))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    skipped = dict(result.inventory.skipped)
    assert skipped[gone] == "deleted during the run"
    assert skipped[fifo] == "cannot read: not a regular file"
    assert skipped[linked] == "cannot read: a symbolic link, not followed"
    assert skipped[folder] == "cannot read: not a regular file"
    assert skipped[f"{vanished_folder}/acme-deploy-ref.yaml"] == "deleted during the run"
    # Every input the walk found has a verdict: checked, or skipped with its reason.
    assert result.tree is not None
    checked = set(result.tree.checked)
    for item in result.inventory.files:
        assert (item.path in checked) != (item.path in skipped), item.path
    assert {f.rule for f in result.findings if f.path == garbage} == {"yaml-syntax"}
    assert all("outside-only" not in f.message for f in result.findings)


def test_files_deleted_and_rewritten_during_a_cold_run(tmp_path: Path) -> None:
    """A background thread deletes, empties, breaks and restores configs, again and again,
    while cold runs of a few thousand configs go on. Each run ends with a verdict for every
    input it found, and the next run, warm, equals a clean one."""
    tree = tmp_path / "tree"
    bench_generate_tree().generate(tree, 3000, 7, 1)
    configs = sorted((tree / "ci-operator/config").rglob("*.yaml"))
    cache = tmp_path / "cache"
    states = (None, b"", b"tests:\n- as: [broken\n")  # deleted, empty, not YAML
    for seed in range(3):
        victims = [(path, path.read_bytes()) for path in configs[seed::97]]
        stop = threading.Event()

        def vandal(
            victims: list[tuple[Path, bytes]] = victims, stop: threading.Event = stop
        ) -> None:
            turn = 0
            while not stop.wait(0.002):
                path, original = victims[turn % len(victims)]
                state = (states + (original,))[(turn // len(victims)) % 4]
                if state is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(state)
                turn += 1

        thread = threading.Thread(target=vandal)
        thread.start()
        try:
            result = run_cilint(
                "check", "--root", str(tree), "--format", "json", "--show-files",
                "--cache-dir", str(cache), "--jobs", "2",
            )  # fmt: skip
        finally:
            stop.set()
            thread.join()
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        listing, _, report = result.stdout.partition("\n{")
        inputs, skipped = _listing(listing)
        summary = json.loads("{" + report)["summary"]
        assert summary["files"] == len([p for p in inputs if p not in skipped])
        clean = run_cilint("check", "--root", str(tree), "--format", "json", "--no-cache")
        warm = run_cilint(
            "check", "--root", str(tree), "--format", "json", "--cache-dir", str(cache)
        )
        assert warm.returncode == clean.returncode, warm.stderr
        assert warm.stdout == clean.stdout


# --- odd names in every output format --------------------------------------------------------

CAFE = "acme-widget-caf\u00e9.yaml"
NAMES = {
    "space": "acme-widget-with space.yaml",
    "nfc": unicodedata.normalize("NFC", CAFE),
    "nfd": unicodedata.normalize("NFD", CAFE),
    "newline": "acme-widget-new\nline.yaml",
    "escape": "acme-widget-\x1b[31mred.yaml",
    "percent-colon-comma": "acme-widget-100%,a:b.yaml",
}


@pytest.fixture(scope="module")
def odd_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example tree with copies of a config under odd names, committed to git."""
    tree = _copy(tmp_path_factory.mktemp("names"))
    source = (tree / WIDGET / "acme-widget-main.yaml").read_bytes()
    for name in NAMES.values():
        (tree / WIDGET / name).write_bytes(source)
    _commit(tree)
    return tree


def _check(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cilint("check", "--root", str(tree), "--no-cache", "--min-severity", "info", *args)
    assert result.returncode == 1, result.stderr
    return result


def test_odd_names_are_checked_and_every_format_parses(odd_tree: Path) -> None:
    findings = _findings(_check(odd_tree, "--format", "json").stdout)
    paths = {f["path"] for f in findings}
    for name in NAMES.values():  # each checked, under its exact name (NFC and NFD apart)
        assert f"{WIDGET}/{name}" in paths
    assert len({n for n in paths if n.endswith(".yaml") and "caf" in n}) == 2
    expected = [(f["path"], f["line"], f["column"], f["code"]) for f in findings]

    text = _check(odd_tree, "--format", "text", "-q").stdout
    lines = text.splitlines()
    assert len(lines) == len(findings)  # one finding a line, whatever the names hold
    parsed = [TEXT_LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    unescaped = [
        (
            m.group(1).replace("\\n", "\n").replace("\\x1b", "\x1b"),
            int(m.group(2)),
            int(m.group(3)),
            m.group(5),
        )
        for m in parsed
        if m
    ]
    assert unescaped == expected
    assert "\x1b" not in text  # nothing that drives a terminal

    lines_json = _check(odd_tree, "--format", "json-lines").stdout.splitlines()
    assert [json.loads(line)["path"] for line in lines_json] == [f["path"] for f in findings]

    sarif = valid_sarif(_check(odd_tree, "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert all(re.fullmatch(r"[A-Za-z0-9_.~/!$&'()*+,;=@%-]+", uri) for uri in uris), uris
    assert sorted(unquote(uri) for uri in uris) == sorted(f["path"] for f in findings)

    junit = ET.fromstring(_check(odd_tree, "--format", "junit").stdout)
    occurrences = [
        line
        for case in junit.iter("testcase")
        for element in (*case.iter("failure"), *case.iter("system-out"))
        for line in (element.text or "").splitlines()
    ]
    assert len(occurrences) == len(findings)  # one a line, as in the text format
    assert all(JUNIT_LINE.match(line) for line in occurrences), occurrences

    github = _check(odd_tree, "--format", "github").stdout.splitlines()
    assert len(github) == len(findings)
    annotation = re.compile(
        r"^::(error|warning|notice) file=([^,:]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)$"
    )
    files = []
    for line in github:
        match = annotation.match(line)
        assert match, line
        files.append(unquote_actions(match.group(2)))
    assert files == [f["path"] for f in findings]


def unquote_actions(value: str) -> str:
    """The runner's unescaping of a workflow command's property (actions/toolkit)."""
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, char)
    return value


def test_a_name_that_is_not_utf8_is_listed_and_warned_about(
    tmp_path: Path, clean_findings: list[dict[str, Any]]
) -> None:
    tree = _copy(tmp_path)
    source = (tree / WIDGET / "acme-widget-main.yaml").read_bytes()
    with open(os.fsencode(tree / WIDGET) + b"/acme-widget-\xff\xfe.yaml", "wb") as handle:
        handle.write(source)
    os.mkdir(os.fsencode(tree / "ci-operator/config/acme") + b"/org-\xe9")
    result = _check(tree, "--format", "json", "--show-files")
    listing, _, report = result.stdout.partition("\n{")
    _, skipped = _listing(listing)
    name = f"{WIDGET}/acme-widget-\\xff\\xfe.yaml"
    assert skipped[name] == "cannot read: the name is not valid UTF-8; rename it"
    assert f"  {name}: cannot read: the name is not valid UTF-8; rename it" in result.stderr
    assert skipped["ci-operator/config/acme/org-\\xe9"] == skipped[name]  # a folder too
    assert _findings("{" + report) == clean_findings  # not a word of the copy under that name
    # In a git repository, a change to it is left out at both ends.
    _commit(tree)
    with open(os.fsencode(tree / WIDGET) + b"/acme-widget-\xff\xfe.yaml", "ab") as handle:
        handle.write(b"# touched\n")
    since = run_cilint("check", "--format", "json", "--changed-since", "HEAD", cwd=tree)
    assert since.returncode == 0, since.stderr
    assert json.loads(since.stdout)["summary"]["change"]["changed_files"] == 0


def test_the_hook_and_a_change_read_odd_names_at_both_ends(odd_tree: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(odd_tree, tree, symlinks=True)
    newline = f"{WIDGET}/{NAMES['newline']}"
    with open(tree / newline, "a", encoding="utf-8") as handle:
        handle.write("# touched\n")
    hook = run_cilint("check", "--format", "json", newline, cwd=tree)
    assert hook.returncode == 1, hook.stderr
    mine = [f for f in _findings(hook.stdout) if f["path"] == newline]
    # Read at the base too: the file's findings were there already, none is new.
    assert mine and all(f["introduced"] is False for f in mine)
    since = run_cilint("check", "--format", "json", "--changed-since", "HEAD", cwd=tree)
    assert since.returncode == 0, since.stderr
    assert json.loads(since.stdout)["summary"]["change"]["introduced"] == 0


# --- roots that are not one ------------------------------------------------------------------


def test_a_root_that_is_not_a_git_repository(
    tmp_path: Path, clean_findings: list[dict[str, Any]]
) -> None:
    tree = _copy(tmp_path)
    whole = run_cilint("check", "--format", "json", "--no-cache", cwd=tree)  # root: the cwd
    assert whole.returncode == 1 and whole.stderr == ""
    assert _findings(whole.stdout) == clean_findings
    path_run = run_cilint("check", "--format", "json", "--no-cache", GIZMO, cwd=tree)
    assert path_run.returncode == 1
    assert path_run.stderr.startswith(f"cilint: note: {tree} is not in a git repository")
    assert {f["path"] for f in _findings(path_run.stdout)} == {GIZMO}


def test_roots_that_are_not_a_tree_are_one_line_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    line = _one_error_line(run_cilint("check", cwd=empty))  # outside git, no --root
    assert f"no input under {empty} (looked for ci-operator configs in" in line
    assert "which is not in a git repository" in line and "give --root" in line
    _git(empty, "init", "-q")
    line = _one_error_line(run_cilint("check", "--root", str(empty)))
    assert "is it the release repository? Give --root" in line
    assert "git repository" not in line
    missing = tmp_path / "missing"
    assert _one_error_line(run_cilint("check", "--root", str(missing))) == (
        f"cilint: error: --root {missing}: not a folder"
    )
    a_file = tmp_path / "file.yaml"
    a_file.write_text("{}\n")
    assert _one_error_line(run_cilint("check", "--root", str(a_file))) == (
        f"cilint: error: --root {a_file}: not a folder"
    )
    for args in (("explain", "a/b:c"), ("graph",)):
        assert "not a folder" in _one_error_line(run_cilint(*args, "--root", str(missing)))
    allowed = run_cilint("check", "--root", str(empty), "--allow-empty")
    assert allowed.returncode == 0 and allowed.stdout == "No findings in 0 files.\n"


def test_non_regular_files_in_the_tree_are_listed(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    os.mkfifo(tree / WIDGET / "acme-widget-fifo.yaml")
    listed = run_cilint("check", "--root", str(tree), "--show-files", "--no-cache", "-q")
    assert listed.returncode == 1, listed.stderr
    _, skipped = _listing(listed.stdout)
    assert skipped[f"{WIDGET}/acme-widget-fifo.yaml"] == "not a regular file"
    assert stat.S_ISFIFO(os.stat(tree / WIDGET / "acme-widget-fifo.yaml").st_mode)


def test_a_root_and_a_configuration_named_in_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    """SQLite keys are text: a root or `--config` path that is not UTF-8 ended check and
    explain with an internal error (UnicodeEncodeError) as soon as a cache was used."""
    root = Path(os.fsdecode(bytes(tmp_path) + b"/root\xfe"))
    shutil.copytree(EXAMPLES, root, symlinks=True)
    config = Path(os.fsdecode(bytes(tmp_path) + b"/cfg\xff.yaml"))
    config.write_text("policy: openshift-ci\n")
    cache = str(tmp_path / "cache")
    clean = run_cilint("check", "--root", str(root), "--format", "json", "--no-cache")
    assert clean.returncode == 1, clean.stderr
    for _ in range(2):  # cold, then warm
        run = run_cilint("check", "--root", str(root), "--format", "json", "--cache-dir", cache)
        assert (run.returncode, run.stdout, run.stderr) == (1, clean.stdout, "")
    asked = ["explain", "--root", str(root), "--cache-dir", cache, "acme/widget:widget"]
    fresh = run_cilint(*asked[:3], "--no-cache", asked[-1], "--config", str(config))
    assert fresh.returncode == 0, fresh.stderr
    for _ in range(2):
        run = run_cilint(*asked, "--config", str(config))
        assert (run.returncode, run.stdout, run.stderr) == (0, fresh.stdout, "")
