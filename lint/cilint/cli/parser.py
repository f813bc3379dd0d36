"""The command line's grammar: every command, option and choice. Format choices come from the
renderer registries (`cilint.report.FORMATS`, `cilint.graph.neighbourhood.RENDERERS`)."""

from __future__ import annotations

import argparse
from typing import NoReturn

from cilint import __version__
from cilint.graph.neighbourhood import RENDERERS as GRAPH_FORMATS
from cilint.report import FORMATS

EXIT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own usage errors: exit 2, one line
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cilint",
        description="Configuration linter and image-tag policy checker for OpenShift CI.",
    )
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
        help="report the findings in these files or folders (the whole tree is still loaded); "
        "in a git repository, also those their change against HEAD causes in other files",
    )
    check.add_argument(
        "--root", help="release repository root (default: git top level of the working directory)"
    )
    check.add_argument("--config", help="cilint configuration file (default: ROOT/.cilint.yaml)")
    check.add_argument(
        "--format",
        choices=tuple(FORMATS),
        action="append",
        help="report format (default: text); repeatable, each paired in order with an -o, or "
        "else printed (at most one to stdout)",
    )
    check.add_argument(
        "--output",
        "-o",
        action="append",
        metavar="FILE",
        help="write the report of the matching --format to this file (atomically; - is stdout); "
        "repeatable",
    )
    check.add_argument(
        "--output-format",
        action="append",
        metavar="FORMAT=FILE",
        help="one more report: FORMAT written to FILE (atomically; - is stdout); repeatable",
    )
    check.add_argument(
        "--no-artifact-junit",
        action="store_true",
        help="with $ARTIFACT_DIR set (Prow), do not also write $ARTIFACT_DIR/junit_cilint.xml",
    )
    check.add_argument(
        "--sarif-max-results",
        type=int,
        default=5000,
        metavar="N",
        help="at most N results in a SARIF report, the most severe kept (default: 5000, what "
        "GitHub code scanning shows; 0: no limit)",
    )
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
        "--changed-since",
        metavar="REV",
        help="report the findings that the changes since the merge base of REV and HEAD "
        "introduce, anywhere in the tree (the pull-request job); exit 1 only for those",
    )
    check.add_argument(
        "--all",
        action="store_true",
        help="with --changed-since: also report the findings that were already there, "
        "marked as such",
    )
    check.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="RULES",
        help="report only these rules: codes, names or code prefixes, comma-separated "
        "(T001,unknown-key,M); repeatable",
    )
    check.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="RULES",
        help="do not report these rules (same forms as --select)",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="text format: print how many findings each rule has instead of the findings",
    )
    check.add_argument(
        "--quiet", "-q", action="store_true", help="text format: the findings only, no summary"
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings reach --fail-level (2 still means cilint failed)",
    )
    check.add_argument(
        "--baseline",
        metavar="FILE",
        help="leave out the findings this baseline holds (default: ROOT/.cilint-baseline.yaml "
        "when it exists)",
    )
    check.add_argument(
        "--no-baseline", action="store_true", help="report every finding, baseline or not"
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

    impact = commands.add_parser(
        "impact",
        help="what a change alters: tags whose producers change (and who pulls them), mirror "
        "orders that change per cluster",
        parents=[run_options],
    )
    impact.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="count only the changes of these files or folders (default: every change)",
    )
    impact.add_argument(
        "--changed-since",
        metavar="REV",
        help="compare with the merge base of REV and HEAD (default: with HEAD)",
    )
    impact.add_argument("--root", help="release repository root (default: git top level)")
    impact.add_argument("--config", help="cilint configuration file")
    impact.add_argument("--format", choices=("text", "json"), default="text")

    baseline = commands.add_parser(
        "baseline",
        help="write the findings already there as the baseline, or check it for stale entries",
        parents=[run_options],
    )
    baseline.add_argument(
        "action",
        choices=("write", "check"),
        help="write: record every finding of the tree; check: list the entries that no "
        "longer match (exit 1 if any)",
    )
    baseline.add_argument("--baseline", metavar="FILE", help="default: ROOT/.cilint-baseline.yaml")
    baseline.add_argument("--root", help="release repository root (default: git top level)")
    baseline.add_argument("--config", help="cilint configuration file")

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
    graph.add_argument("--format", choices=tuple(GRAPH_FORMATS), default="dot")

    cache = commands.add_parser("cache", help="manage the result cache")
    cache.add_argument(
        "action", choices=("clean", "dir"), help="clean: delete it; dir: print where"
    )
    cache.add_argument("--cache-dir", metavar="DIR")

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")
    rules.add_argument(
        "--full",
        action="store_true",
        help="every rule's documentation too (markdown: the reference docs/rules.md)",
    )
    rule = commands.add_parser("rule", help="print the documentation of one rule")
    rule.add_argument("name", metavar="NAME-OR-CODE")
    return parser
