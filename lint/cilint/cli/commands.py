"""The command line: parse arguments, call one orchestrating function, pick a reporter.

Exit codes: 0 no finding at or above --fail-level, 1 findings, 2 usage, configuration or
internal error (one line on stderr; a traceback only with --debug).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import subprocess
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from cilint import __version__
from cilint.errors import CilintError
from cilint.findings import Severity

if TYPE_CHECKING:  # imported lazily at run time, to keep `cilint rules` fast
    from cilint.config.settings import Settings
    from cilint.pipeline.run import RunOptions

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors: exit 2, one line
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _git_toplevel(start: Path) -> Path | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def _resolve_root(raw: str | None) -> Path:
    if raw:
        root = Path(raw)
        if not root.is_dir():
            raise CilintError(f"--root {raw}: not a folder")
        return root.resolve()
    return (_git_toplevel(Path.cwd()) or Path.cwd()).resolve()


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cilint", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"cilint {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run_options = _Parser(add_help=False)
    run_options.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="worker processes for reading and checking files (default: one per core)",
    )
    run_options.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where to keep results between runs (default: $CILINT_CACHE_DIR, else "
        "$XDG_CACHE_HOME/cilint or ~/.cache/cilint)",
    )
    run_options.add_argument("--no-cache", action="store_true", help="neither read nor write it")

    check = commands.add_parser(
        "check", help="check a release repository tree", parents=[run_options]
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="report findings only for these files or folders (the whole tree is still loaded)",
    )
    check.add_argument(
        "--root", help="release repository root (default: git top level of the working directory)"
    )
    check.add_argument("--config", help="cilint configuration file (default: ROOT/.cilint.yaml)")
    check.add_argument("--format", choices=("text", "json", "sarif", "junit"), default="text")
    check.add_argument("--output", "-o", help="write the report to this file (atomically)")
    check.add_argument(
        "--fail-level",
        choices=("error", "warning", "info"),
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument(
        "--fix",
        action="store_true",
        help="reorder mirror lists into the policy's order (mirror-precedence), then report "
        "what remains",
    )
    check.add_argument(
        "--diff",
        action="store_true",
        help="with --fix: print the changes as a unified diff and write nothing",
    )
    check.add_argument(
        "--show-files",
        action="store_true",
        help="list every input with its kind, and every skipped file with why",
    )
    check.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    explain = commands.add_parser(
        "explain",
        help="where an image tag comes from, who uses it, why it is missing",
        parents=[run_options],
    )
    explain.add_argument(
        "tag",
        metavar="TAG",
        help="ns/name:tag, or any pull spec of it (app.ci, QCI, QCI-APPCI, cache)",
    )
    explain.add_argument("--root", help="release repository root (default: git top level)")
    explain.add_argument("--config", help="cilint configuration file")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.add_argument(
        "--all",
        action="store_true",
        dest="all_importers",
        help="list every file that imports the tag's whole stream (default: the first 5)",
    )

    graph = commands.add_parser(
        "graph", help="the neighbourhood of a tag or a file, as a picture", parents=[run_options]
    )
    graph.add_argument(
        "target",
        metavar="TAG-OR-FILE",
        nargs="?",
        help="a tag in any spelling, or a file under the root (default: everything)",
    )
    graph.add_argument("--root", help="release repository root (default: git top level)")
    graph.add_argument("--config", help="cilint configuration file")
    graph.add_argument("--format", choices=("dot", "mermaid", "json"), default="dot")

    cache = commands.add_parser("cache", help="manage the result cache")
    cache.add_argument(
        "action", choices=("clean", "dir"), help="clean: delete it; dir: print where"
    )
    cache.add_argument("--cache-dir", metavar="DIR")

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")
    rule = commands.add_parser("rule", help="print the documentation of one rule")
    rule.add_argument("name", metavar="NAME-OR-CODE")
    return parser


def _command_check(args: argparse.Namespace) -> int:
    from cilint.atomic_write import write_atomically
    from cilint.pipeline.run import relative_selection, run_check
    from cilint.report import RENDERERS, ReportOptions

    settings = _settings(args)
    root = settings.root
    selection = relative_selection(root, args.paths) if args.paths else None
    if args.diff and not args.fix:
        raise CilintError("--diff goes with --fix")
    if args.fix:
        fix_options = dataclasses.replace(_run_options(args), exits_after=False)  # a run follows
        changed = _fix(settings, selection, args.diff, fix_options)
        if args.diff:
            return EXIT_FINDINGS if changed else EXIT_OK
    result = run_check(settings, selection, _run_options(args))
    if not result.inventory.files:
        layout = settings.layout
        folders = ", ".join(
            sorted({*layout.ci_operator_config, *layout.step_registry, *layout.cluster_manifests})
        )
        print(
            f"cilint: warning: no input files under {root} (looked in {folders}); is --root "
            "the release repository?",
            file=sys.stderr,
        )
    if args.show_files:
        for item in result.inventory.files:
            print(f"{item.kind}\t{item.path}", file=sys.stderr)
        for path, reason in result.inventory.skipped:
            print(f"skipped\t{path}\t{reason}", file=sys.stderr)
    fail_level = Severity.parse(args.fail_level) if args.fail_level else settings.fail_level
    to_terminal = args.output is None and sys.stdout.isatty()
    color = args.color == "always" or (
        args.color == "auto" and to_terminal and "NO_COLOR" not in os.environ
    )
    options = ReportOptions(fail_level=fail_level, color=color, grouped=to_terminal)
    report = RENDERERS[args.format](result, options)
    if args.output:
        try:
            write_atomically(Path(args.output), report)
        except OSError as err:
            raise CilintError(f"--output {args.output}: cannot write: {err.strerror}") from None
    else:
        sys.stdout.write(report)
    failing = any(f.severity >= fail_level for f in result.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _cache_dir(args: argparse.Namespace) -> Path:
    from cilint.cache.store import default_directory

    chosen = args.cache_dir or os.environ.get("CILINT_CACHE_DIR")
    return Path(chosen) if chosen else default_directory()


def _run_options(args: argparse.Namespace) -> RunOptions:
    from cilint.pipeline.run import RunOptions

    if args.jobs < 0:
        raise CilintError("--jobs must be 0 (one per core) or more")
    cache_dir = None if args.no_cache else _cache_dir(args)
    return RunOptions(jobs=args.jobs, cache_dir=cache_dir, exits_after=args.exits_after)


def _command_cache(args: argparse.Namespace) -> int:
    from cilint.cache.store import clean

    directory = _cache_dir(args)
    if args.action == "dir":
        print(directory)
    else:
        print(
            f"cilint: {'removed' if clean(directory) else 'no cache in'} {directory}",
            file=sys.stderr,
        )
    return EXIT_OK


def _settings(args: argparse.Namespace) -> Settings:
    from cilint.config.settings import load_settings

    root = _resolve_root(args.root)
    return load_settings(root, Path(args.config).resolve() if args.config else None)


def _command_explain(args: argparse.Namespace) -> int:
    import json

    from cilint.explain.answer import explain, render_text
    from cilint.graph.tag_graph import UNPRODUCED
    from cilint.pipeline.run import load_tag_tree
    from cilint.tags import TagSpellingError

    settings = _settings(args)
    try:
        tag, _digest = settings.policy.registries.parse(args.tag)
    except TagSpellingError as err:
        raise CilintError(f"cannot read the tag: {err}") from None
    tree = load_tag_tree(settings, tag.ist, _run_options(args), args.all_importers)
    report = explain(tree, settings.policy.registries, tag, args.all_importers)
    if args.format == "json":
        sys.stdout.write(json.dumps({"tag": args.tag, **report}, indent=2, ensure_ascii=False))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(report))
    return EXIT_FINDINGS if report["status"] == UNPRODUCED else EXIT_OK


def _command_graph(args: argparse.Namespace) -> int:
    from cilint.graph.neighbourhood import RENDERERS, neighbourhood
    from cilint.pipeline.run import load_tree

    settings = _settings(args)
    tree = load_tree(settings, _run_options(args), rules=False)
    view = neighbourhood(tree.graph, settings.policy.registries, args.target, settings.root)
    sys.stdout.write(RENDERERS[args.format](view))
    return EXIT_OK


def _fix(
    settings: Settings, selection: list[str] | None, show_diff: bool, options: RunOptions
) -> bool:
    from cilint.fix import apply
    from cilint.pipeline.run import is_selected, load_tree

    plans = apply.plan(
        load_tree(settings, options, rules=False),
        settings.root,
        lambda path: is_selected(path, selection),
    )
    if show_diff:
        sys.stdout.write(apply.diff(plans))
    else:
        apply.write(plans, settings.root)
        if plans:
            lists = sum(p.lists for p in plans)
            print(f"cilint: fixed {lists} mirror list(s) in {len(plans)} file(s)", file=sys.stderr)
    return bool(plans)


def _command_rules(fmt: str) -> int:
    from cilint.rules.registry import ALL_RULES

    if fmt == "markdown":
        print("| code | rule | default | what it reports |")
        print("|---|---|---|---|")
    for module in ALL_RULES:
        spec = module.RULE
        if fmt == "markdown":
            print(f"| {spec.code} | `{spec.name}` | {spec.severity.label} | {spec.summary} |")
        else:
            print(f"{spec.code}  {spec.name:<20} {spec.severity.label:<8} {spec.summary}")
    return EXIT_OK


def _command_rule(name: str) -> int:
    from cilint.rules.registry import find_rule

    module = find_rule(name)
    if module is None:
        raise CilintError(f"unknown rule {name!r}: `cilint rules` lists them")
    spec = module.RULE
    print(f"{spec.code} {spec.name} (default severity: {spec.severity.label})\n")
    print((module.__doc__ or "").strip())
    return EXIT_OK


def run() -> None:
    """The `cilint` command: `main`, then the process ends without freeing what the run built
    one object at a time (the interpreter's teardown and the run's own frees took ~0.3 s at
    30,000 configs). Output is flushed first; files and the cache are closed by then."""
    code = main(exits_after=True)
    try:
        sys.stdout.flush()
    except OSError:  # a closed pipe: the output is lost either way
        code = code or EXIT_ERROR
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None, exits_after: bool = False) -> int:
    """`exits_after`: the process ends right after (`run`), so a run may keep its objects."""
    # A run is short and frees almost nothing; the cyclic collector would only rescan the
    # millions of objects it builds (see cilint.engine._without_gc).
    gc.disable()
    parser = _build_parser()
    args = parser.parse_args(argv)
    args.exits_after = exits_after
    debug = args.debug
    try:
        if args.command == "check":
            return _command_check(args)
        if args.command == "explain":
            return _command_explain(args)
        if args.command == "graph":
            return _command_graph(args)
        if args.command == "cache":
            return _command_cache(args)
        if args.command == "rules":
            return _command_rules(args.format)
        if args.command == "rule":
            return _command_rule(args.name)
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    except CilintError as err:
        print(f"cilint: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("cilint: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # the promise: one line, no traceback unless --debug
        if debug:
            traceback.print_exc()
        print(
            f"cilint: internal error: {type(err).__name__}: {err} (run with --debug for the "
            "traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR
