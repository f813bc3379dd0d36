"""The commands: each takes the parsed arguments, calls the orchestrator once, and prints."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cilint.errors import CilintError
from cilint.findings import Severity

if TYPE_CHECKING:  # imported lazily at run time, to keep `cilint rules` fast
    from cilint.cli.progress import ProgressLine
    from cilint.config.settings import Settings
    from cilint.pipeline.results import CheckResult
    from cilint.pipeline.run import RunOptions

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Done(NamedTuple):
    """A command's exit code, and what it built (the console entry point keeps that alive
    while the process exits, instead of freeing it object by object)."""

    code: int
    built: object = None


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


def check(args: argparse.Namespace) -> Done:
    from cilint.atomic_write import write_atomically
    from cilint.cli.terminal import is_terminal, use_color
    from cilint.pipeline.run import relative_selection
    from cilint.report import ReportOptions, renderer
    from cilint.report.shown import at_least, default_min_severity

    settings = _selected_on(_settings(args), args)
    root = settings.root
    selection = relative_selection(root, args.paths) if args.paths else None
    if args.diff and not args.fix:
        raise CilintError("--diff goes with --fix")
    if args.changed_since is not None and (args.paths or args.fix):
        raise CilintError("--changed-since reports on the whole tree: give no PATH and no --fix")
    if args.all and args.changed_since is None:
        raise CilintError("--all goes with --changed-since")
    result = None
    if args.fix:
        changed, result = _fix(settings, selection, args.diff, _run_options(args))
        if args.diff:
            return Done(EXIT_FINDINGS if changed else EXIT_OK)
        if changed:
            result = None  # files were rewritten: report what remains
    if result is None:
        result = _checked(settings, selection, args)
    _baselined(result, _baseline_path(args, root), args, selection)
    _chosen(result, args)
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
    if args.show_files:  # on stdout, before the report: it is what was asked for
        listing = [f"{item.kind}\t{item.path}\n" for item in result.inventory.files]
        listing += [f"skipped\t{path}\t{reason}\n" for path, reason in result.inventory.skipped]
        sys.stdout.write("".join(listing))
    fail_level = Severity.parse(args.fail_level) if args.fail_level else settings.fail_level
    to_terminal = args.output is None and is_terminal(sys.stdout)
    options = ReportOptions(
        fail_level=fail_level,
        color=use_color(args.color, to_terminal, os.environ),
        grouped=to_terminal,
        summary=not args.quiet,
        width=shutil.get_terminal_size().columns if to_terminal else 0,
    )
    if args.statistics and args.format == "text":
        report = _statistics(result)
    else:
        shown = at_least(
            result,
            Severity.parse(args.min_severity)
            if args.min_severity
            else default_min_severity(args.format, fail_level),
        )
        report = renderer(args.format)(shown, options)
    if args.output:
        try:
            write_atomically(Path(args.output), report)
        except OSError as err:
            raise CilintError(f"--output {args.output}: cannot write: {err.strerror}") from None
    else:
        sys.stdout.write(report)
    # --changed-since fails only for what the branch introduced (--all shows the rest too).
    counted = [f for f in result.findings if f.introduced or args.changed_since is None]
    failing = any(f.severity >= fail_level for f in counted) and not args.exit_zero
    return Done(EXIT_FINDINGS if failing else EXIT_OK, result)


def _selected_on(settings: Settings, args: argparse.Namespace) -> Settings:
    """`settings` with the rules `--select`/`--extend-select` name turned on where
    `.cilint.yaml` turns them off (the command line wins, as in ruff)."""
    from dataclasses import replace

    from cilint.rules.registry import chosen_rules, find_rule

    named = chosen_rules([*args.select, *args.extend_select])
    if not named:
        return settings
    options = {
        key: level
        for key, level in settings.rule_options.items()
        if not (level == "off" and (module := find_rule(key)) and module.RULE.name in named)
    }
    return replace(settings, rule_options=options)


def _chosen(result: CheckResult, args: argparse.Namespace) -> None:
    """Keep the findings of the rules `--select` and `--extend-select` name (all without
    `--select`), minus `--ignore`'s."""
    from cilint.rules.registry import chosen_rules

    if not args.select and not args.ignore:
        return
    keep = chosen_rules([*args.select, *args.extend_select]) if args.select else None
    drop = chosen_rules(args.ignore) if args.ignore else set()
    result.findings = [
        f for f in result.findings if (keep is None or f.rule in keep) and f.rule not in drop
    ]


def _statistics(result: CheckResult) -> str:
    """Counts per rule, most frequent first (`--statistics`)."""
    from collections import Counter

    counts = Counter((f.code, f.rule) for f in result.findings)
    lines = [
        f"{count:>7}  {code}  {rule}"
        for (code, rule), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def _baseline_path(args: argparse.Namespace, root: Path) -> Path | None:
    """The baseline a check applies: `--baseline`, else ROOT/.cilint-baseline.yaml if it is
    there; None with `--no-baseline`."""
    from cilint.baseline import DEFAULT_NAME

    if args.no_baseline:
        return None
    if args.baseline:
        return Path(args.baseline)
    default = root / DEFAULT_NAME
    return default if default.exists() else None


def _baselined(
    result: CheckResult, path: Path | None, args: argparse.Namespace, selection: list[str] | None
) -> None:
    """Leave the baseline's findings out of `result`; warn about its entries that no longer
    match, among the files the run reports on."""
    from cilint import baseline
    from cilint.pipeline.run import selector

    if path is None:
        return
    applied = baseline.apply(result.findings, baseline.read(path))
    result.findings = applied.findings
    result.baselined = applied.baselined
    if args.changed_since is not None:
        return  # only new findings are reported: the baseline's others are not looked at
    reported = (lambda p: True) if selection is None else selector(selection)
    stale = [e for e in applied.stale if reported(e.key[1])]
    if stale:
        print(
            f"cilint: warning: {len(stale)} baseline "
            f"{'entry' if len(stale) == 1 else 'entries'} in {path} no longer "
            f"{'matches' if len(stale) == 1 else 'match'} (the findings are gone: delete them, "
            "or run "
            "`cilint baseline write`):",
            file=sys.stderr,
        )
        for entry in stale[:10]:
            print(f"  {baseline.describe(entry)}", file=sys.stderr)
        if len(stale) > 10:
            print(f"  and {len(stale) - 10} more (`cilint baseline check`)", file=sys.stderr)


def baseline_command(args: argparse.Namespace) -> Done:
    """`cilint baseline write|check`: write the whole tree's findings as the baseline, or list
    the entries that no longer match (exit 1 if any)."""
    from cilint import baseline
    from cilint.pipeline.run import run_check

    settings = _settings(args)
    path = Path(args.baseline) if args.baseline else settings.root / baseline.DEFAULT_NAME
    result = run_check(settings, None, _run_options(args))
    if args.action == "write":
        baseline.write(path, result.findings)
        files = len({f.path for f in result.findings})
        print(
            f"cilint: wrote {len(result.findings)} finding(s) in {files} file(s) to {path}",
            file=sys.stderr,
        )
        return Done(EXIT_OK, result)
    if not path.exists():
        raise CilintError(f"{path}: no baseline (write one with `cilint baseline write`)")
    applied = baseline.apply(result.findings, baseline.read(path))
    for entry in applied.stale:
        print(baseline.describe(entry))
    stale, new = len(applied.stale), len(applied.findings)
    print(
        f"cilint: {stale} stale baseline entr{'y' if stale == 1 else 'ies'} (delete them, or "
        f"`cilint baseline write`); {len(applied.baselined)} finding(s) baselined, {new} not",
        file=sys.stderr,
    )
    return Done(EXIT_FINDINGS if stale else EXIT_OK, result)


def _checked(
    settings: Settings, selection: list[str] | None, args: argparse.Namespace
) -> CheckResult:
    """The run a check asks for: the whole tree; a change against `--changed-since`; or, for
    PATHs inside a git repository, the pre-commit hook's run against HEAD."""
    from cilint.change.run import changed_since_check, hook_check
    from cilint.inputs.git import head_base, merge_base, repository_prefix
    from cilint.pipeline.run import run_check

    options = _run_options(args)
    root = settings.root
    if args.changed_since is not None:
        base = merge_base(root, args.changed_since)
        return changed_since_check(settings, base, options, everything=args.all)
    if selection is None:
        return run_check(settings, None, options)
    prefix = repository_prefix(root)
    if prefix is None:
        print(
            f"cilint: note: {root} is not in a git repository, so only the findings located "
            "in the given files are reported, not what their change breaks elsewhere",
            file=sys.stderr,
        )
        return run_check(settings, selection, options)
    return hook_check(settings, head_base(root, prefix), selection, options)


def impact(args: argparse.Namespace) -> Done:
    import json

    from cilint.change.impact import impact as blast_radius
    from cilint.change.impact import render_text
    from cilint.inputs.git import GitError, head_base, merge_base, repository_prefix
    from cilint.pipeline.run import relative_selection, selector

    settings = _settings(args)
    root = settings.root
    if args.changed_since is not None and args.paths:
        raise CilintError("give --changed-since or PATHs, not both")
    if args.changed_since is not None:
        base = merge_base(root, args.changed_since)
    else:
        prefix = repository_prefix(root)
        if prefix is None:
            raise GitError(f"cilint impact compares with git, and {root} is not in a repository")
        base = head_base(root, prefix)
    selection = relative_selection(root, args.paths) if args.paths else None
    only = None if selection is None else selector(selection)
    report = blast_radius(settings, base, _run_options(args), only)
    if args.format == "json":
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(report))
    return Done(EXIT_OK)


def _cache_dir(args: argparse.Namespace) -> Path:
    from cilint.cache.store import default_directory

    chosen = args.cache_dir or os.environ.get("CILINT_CACHE_DIR")
    return Path(chosen) if chosen else default_directory()


def _run_options(args: argparse.Namespace) -> RunOptions:
    from cilint.pipeline.run import RunOptions

    if args.jobs < 0:
        raise CilintError("--jobs must be 0 (one per core) or more")
    cache_dir = None if args.no_cache else _cache_dir(args)
    return RunOptions(jobs=args.jobs, cache_dir=cache_dir, progress=_progress())


def _progress() -> ProgressLine | None:
    """A progress line for cold runs, on a terminal's stderr only: never in pipes or CI logs."""
    from cilint.cli.terminal import can_redraw

    if not can_redraw(sys.stderr, os.environ):
        return None
    from cilint.cli.progress import ProgressLine

    return ProgressLine(sys.stderr)


def cache(args: argparse.Namespace) -> Done:
    from cilint.cache.store import clean

    directory = _cache_dir(args)
    if args.action == "dir":
        print(directory)
    else:
        print(
            f"cilint: {'removed' if clean(directory) else 'no cache in'} {directory}",
            file=sys.stderr,
        )
    return Done(EXIT_OK)


def _settings(args: argparse.Namespace) -> Settings:
    from cilint.config.settings import load_settings
    from cilint.rules.registry import rule_levels
    from cilint.suppression import file_ignores

    root = _resolve_root(args.root)
    settings = load_settings(root, Path(args.config).resolve() if args.config else None)
    rule_levels(settings)  # an unknown rule in the configuration stops here, before any work
    file_ignores(settings)
    return settings


def explain(args: argparse.Namespace) -> Done:
    import json

    from cilint.explain.answer import answer_tag, render_text
    from cilint.graph.tag_graph import UNPRODUCED
    from cilint.tags import TagSpellingError

    settings = _settings(args)
    try:
        tag, _digest = settings.policy.registries.parse(args.tag)
    except TagSpellingError as err:
        raise CilintError(f"cannot read the tag: {err}") from None
    report = answer_tag(settings, tag, _run_options(args), args.all_importers)
    if args.format == "json":
        sys.stdout.write(json.dumps({"tag": args.tag, **report}, indent=2, ensure_ascii=False))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(report))
    return Done(EXIT_FINDINGS if report["status"] == UNPRODUCED else EXIT_OK)


def graph(args: argparse.Namespace) -> Done:
    from cilint.graph.drawing import RENDERERS
    from cilint.graph.neighbourhood import neighbourhood
    from cilint.graph.summary import summary
    from cilint.graph.view import without_tags
    from cilint.pipeline.run import load_tree

    settings = _settings(args)
    tree = load_tree(settings, _run_options(args), rules=False)
    if args.target is None:
        view = summary(tree.graph, settings.layout)
    else:
        view = neighbourhood(tree.graph, settings.policy.registries, args.target, settings.root)
    note = without_tags(view, tree.results, dict(tree.skipped))
    if note:
        print(f"cilint: {note}", file=sys.stderr)
    if not view:
        return Done(EXIT_OK, tree)
    sys.stdout.write(RENDERERS[args.format](view))
    return Done(EXIT_OK, tree)


def _fix(
    settings: Settings, selection: list[str] | None, show_diff: bool, options: RunOptions
) -> tuple[bool, CheckResult]:
    """Apply (or with `show_diff` print) the fixes of the run's findings; whether there were
    any, and the run they came from."""
    from cilint.fix import apply
    from cilint.pipeline.run import run_check

    result = run_check(settings, selection, options)
    plans = apply.plan(result.findings, settings.root)
    if show_diff:
        sys.stdout.write(apply.diff(plans))
    else:
        apply.write(plans, settings.root)
        if plans:
            lists = sum(p.lists for p in plans)
            print(f"cilint: fixed {lists} mirror list(s) in {len(plans)} file(s)", file=sys.stderr)
    return bool(plans), result


def rules(args: argparse.Namespace) -> Done:
    from cilint.rules.registry import ALL_RULES

    fmt = args.format
    if fmt == "markdown":
        print("| code | rule | default | what it reports |")
        print("|---|---|---|---|")
    for module in ALL_RULES:
        spec = module.RULE
        if fmt == "markdown":
            print(f"| {spec.code} | `{spec.name}` | {spec.severity.label} | {spec.summary} |")
        else:
            print(f"{spec.code}  {spec.name:<20} {spec.severity.label:<8} {spec.summary}")
    return Done(EXIT_OK)


def rule(args: argparse.Namespace) -> Done:
    from cilint.rules.registry import find_rule

    module = find_rule(args.name)
    if module is None:
        raise CilintError(f"unknown rule {args.name!r}: `cilint rules` lists them")
    spec = module.RULE
    print(f"{spec.code} {spec.name} (default severity: {spec.severity.label})\n")
    print((module.__doc__ or "").strip())
    return Done(EXIT_OK)


# command name → its function (the parser's subcommands)
COMMANDS = {
    "check": check,
    "explain": explain,
    "impact": impact,
    "baseline": baseline_command,
    "graph": graph,
    "cache": cache,
    "rules": rules,
    "rule": rule,
}
