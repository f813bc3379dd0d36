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
from cilint.printable import printable

if TYPE_CHECKING:  # imported lazily at run time, to keep `cilint rules` fast
    from cilint.cli.progress import ProgressLine
    from cilint.config.settings import Settings
    from cilint.pipeline.results import CheckResult
    from cilint.pipeline.run import RunOptions
    from cilint.rules.spec import Rule

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


class Output(NamedTuple):
    """One report a check writes: its format, and its file (None: stdout)."""

    format: str
    path: str | None
    artifact: bool = False  # Prow's $ARTIFACT_DIR JUnit, written unasked: never fails the run


# Prow sets $ARTIFACT_DIR and shows every junit_*.xml in it with its JUnit lens.
ARTIFACT_JUNIT = "junit_cilint.xml"


def _outputs(args: argparse.Namespace) -> list[Output]:
    """The reports asked for: each `--format` with the `-o` of the same rank (stdout when
    there is none), then each `--output-format FORMAT=FILE`; plus the JUnit in $ARTIFACT_DIR
    when none was asked for."""
    from cilint.report import FORMATS

    formats: list[str] = list(args.format or [])
    files: list[str] = list(args.output or [])
    if not formats and (files or not args.output_format):
        formats = ["text"]
    if len(files) > len(formats):
        raise CilintError(
            f"-o {files[len(formats)]} has no --format to go with: the n-th -o is the file of "
            "the n-th --format (or use --output-format FORMAT=FILE)"
        )
    outputs = [
        Output(fmt, None if n >= len(files) or files[n] == "-" else files[n])
        for n, fmt in enumerate(formats)
    ]
    for spec in args.output_format or []:
        fmt, equals, path = spec.partition("=")
        if not equals or not path or fmt not in FORMATS:
            raise CilintError(
                f"--output-format {spec}: give FORMAT=FILE, FORMAT one of {', '.join(FORMATS)} "
                "(FILE - is stdout)"
            )
        outputs.append(Output(fmt, None if path == "-" else path))
    printed = [o.format for o in outputs if o.path is None]
    if len(printed) > 1:
        raise CilintError(
            f"{len(printed)} reports would go to stdout ({', '.join(printed)}): at most one can; "
            "give the others a file (-o FILE, or --output-format FORMAT=FILE)"
        )
    written = [os.path.abspath(o.path) for o in outputs if o.path is not None]
    for path in written:
        if written.count(path) > 1:
            raise CilintError(f"two reports would be written to {path}: give each its own file")
    artifacts = os.environ.get("ARTIFACT_DIR")
    if artifacts and not args.no_artifact_junit and "junit" not in {o.format for o in outputs}:
        outputs.append(Output("junit", os.path.join(artifacts, ARTIFACT_JUNIT), artifact=True))
    return outputs


def check(args: argparse.Namespace) -> Done:
    from cilint.atomic_write import write_atomically
    from cilint.cli.terminal import is_terminal, use_color
    from cilint.pipeline.run import relative_selection
    from cilint.report import ReportOptions, renderer
    from cilint.report.shown import at_least, default_min_severity

    outputs = _outputs(args)  # usage errors first, before any work
    if args.sarif_max_results < 0:
        raise CilintError("--sarif-max-results must be 0 (no limit) or more")
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
    _warn_unread(result.inventory.skipped)
    if args.show_files:  # on stdout, before the report: it is what was asked for
        listing = [f"{item.kind}\t{printable(item.path)}\n" for item in result.inventory.files]
        listing += [
            f"skipped\t{printable(path)}\t{reason}\n" for path, reason in result.inventory.skipped
        ]
        sys.stdout.write("".join(listing))
    fail_level = Severity.parse(args.fail_level) if args.fail_level else settings.fail_level
    minimum = Severity.parse(args.min_severity) if args.min_severity else None
    # Every report is rendered from the same result before any is written.
    reports = []
    for output in outputs:
        to_terminal = output.path is None and is_terminal(sys.stdout)
        options = ReportOptions(
            fail_level=fail_level,
            color=use_color(args.color, to_terminal, os.environ),
            grouped=to_terminal,
            summary=not args.quiet,
            width=shutil.get_terminal_size().columns if to_terminal else 0,
            sarif_max_results=args.sarif_max_results,
        )
        if args.statistics and output.format == "text":
            reports.append((output, _statistics(result)))
        else:
            shown = at_least(result, minimum or default_min_severity(output.format, fail_level))
            reports.append((output, renderer(output.format)(shown, options)))
    for output, report in reports:
        if output.path is None:
            continue
        try:
            write_atomically(Path(output.path), report)
        except OSError as err:
            if not output.artifact:
                raise CilintError(f"--output {output.path}: cannot write: {err.strerror}") from None
            # The JUnit nobody asked for must not turn findings into a tool failure.
            print(f"cilint: warning: cannot write {output.path}: {err.strerror}", file=sys.stderr)
    for output, report in reports:
        if output.path is None:
            sys.stdout.write(report)
    # --changed-since fails only for what the branch introduced (--all shows the rest too).
    counted = [f for f in result.findings if f.introduced or args.changed_since is None]
    failing = any(f.severity >= fail_level for f in counted) and not args.exit_zero
    return Done(EXIT_FINDINGS if failing else EXIT_OK, result)


def _warn_unread(skipped: list[tuple[str, str]]) -> None:
    """One warning for the files and folders that could not be read: unlike the other skipped
    files (templates, links, ...), nobody chose to leave them out."""
    from cilint.inputs.reading import CANNOT_READ

    unread = [(path, why) for path, why in skipped if why.startswith(CANNOT_READ)]
    if not unread:
        return
    lines = [
        f"cilint: warning: {len(unread)} file(s) or folder(s) of the tree could not be read, so "
        "what they hold was not checked:",
        *(f"  {printable(path)}: {why}" for path, why in unread[:10]),
    ]
    if len(unread) > 10:
        lines.append(f"  and {len(unread) - 10} more (--show-files lists them)")
    print("\n".join(lines), file=sys.stderr)


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
    from cilint.config.settings import in_tree

    if args.no_baseline:
        return None
    if args.baseline:
        return Path(args.baseline)
    default = root / DEFAULT_NAME
    return in_tree(root, default, "--baseline") if default.exists() else None


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
    _warn_unread(result.inventory.skipped)
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
    from cilint.cache.files import default_directory

    chosen = args.cache_dir or os.environ.get("CILINT_CACHE_DIR")
    return Path(chosen) if chosen else default_directory()


def _run_options(args: argparse.Namespace) -> RunOptions:
    from cilint.pipeline.run import RunOptions

    if args.jobs < 0:
        raise CilintError("--jobs must be 0 (one per core) or more")
    cache_dir = None if args.no_cache else _cache_dir(args)
    return RunOptions(
        jobs=args.jobs,
        cache_dir=cache_dir,
        progress=_progress(),
        allow_empty=args.allow_empty,
    )


def _progress() -> ProgressLine | None:
    """A progress line for cold runs, on a terminal's stderr only: never in pipes or CI logs."""
    from cilint.cli.terminal import can_redraw

    if not can_redraw(sys.stderr, os.environ):
        return None
    from cilint.cli.progress import ProgressLine

    return ProgressLine(sys.stderr)


def cache(args: argparse.Namespace) -> Done:
    from cilint.cache.files import clean

    directory = _cache_dir(args)
    if args.action == "dir":
        print(directory)
        return Done(EXIT_OK)
    try:
        removed = clean(directory)
    except OSError as err:
        raise CilintError(f"cannot clean the cache in {directory}: {err.strerror}") from err
    if removed:
        print(f"cilint: removed {directory} ({', '.join(removed)})", file=sys.stderr)
    else:
        print(f"cilint: no cache in {directory}", file=sys.stderr)
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

    from cilint.explain.answer import render_text
    from cilint.explain.ask import from_index, from_tree
    from cilint.graph.coverage import UNPRODUCED
    from cilint.tags import TagSpellingError

    config = Path(args.config).resolve() if args.config else None
    cache_dir = None if args.no_cache else _cache_dir(args)
    tree = None  # held until exit (`Done.tree`)
    try:
        found = None
        if cache_dir is not None:  # the index, if it holds: no settings, no tree to load
            found = from_index(
                _resolve_root(args.root), cache_dir, config, args.tag, args.all_importers
            )
        if found is None:
            readings, answers, tree = from_tree(
                _settings(args), _run_options(args), config, args.tag, args.all_importers
            )
            _warn_unread(tree.skipped)
        else:
            readings, answers = found
    except TagSpellingError as err:
        raise CilintError(f"cannot read the tag: {err}") from None
    chosen = next((n for n, a in enumerate(answers) if a["status"] != UNPRODUCED), 0)
    report = answers[chosen]
    others = [
        {"tag": tag.ist, "status": answers[n]["status"]}
        for n, tag in enumerate(readings.tags)
        if n != chosen
    ]
    if args.format == "json":
        document = {"tag": args.tag, "read_as": readings.tags[chosen].ist, **report}
        if others:
            document["other_readings"] = others
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        if others:
            listed = ", ".join(f"{o['tag']} ({o['status']})" for o in others)
            why = (
                "the one produced"
                if report["status"] != UNPRODUCED
                else "Quay's own reading; none of them is produced"
            )
            sys.stdout.write(
                f"{printable(readings.reference)} can be read more than one way; answering for "
                f"{readings.tags[chosen].ist} ({why}). Also: {listed}.\n\n"
            )
        sys.stdout.write(render_text(report))
    return Done(EXIT_FINDINGS if report["status"] == UNPRODUCED else EXIT_OK, tree)


def graph(args: argparse.Namespace) -> Done:
    from cilint.graph.drawing import RENDERERS
    from cilint.graph.neighbourhood import neighbourhood
    from cilint.graph.summary import summary
    from cilint.graph.view import without_tags
    from cilint.pipeline.run import load_tree

    settings = _settings(args)
    tree = load_tree(settings, _run_options(args), rules=False)
    _warn_unread(tree.skipped)
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
    if fmt == "markdown" and args.full:
        from cilint.rules.reference import markdown

        sys.stdout.write(markdown())
        return Done(EXIT_OK)
    if args.full:
        sys.stdout.write("\n".join(_documentation(module) for module in ALL_RULES))
        return Done(EXIT_OK)
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


def _documentation(module: Rule) -> str:
    """A rule's documentation as text: markdown markers removed, headings bold on a
    terminal."""
    from cilint.rules.doc_text import plain

    def bold(text: str) -> str:
        return f"\033[1m{text}\033[0m"

    styled = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    heading = bold if styled else str
    spec = module.RULE
    title = heading(f"{spec.code} {spec.name}") + f" (default severity: {spec.severity.label})"
    return f"{title}\n\n{plain((module.__doc__ or '').strip(), heading)}\n"


def rule(args: argparse.Namespace) -> Done:
    from cilint.rules.registry import find_rule, unknown_rule

    module = find_rule(args.name)
    if module is None:
        raise CilintError(unknown_rule(args.name))
    sys.stdout.write(_documentation(module))
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
