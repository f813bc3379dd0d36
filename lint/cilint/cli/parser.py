"""The command line's grammar: every command, option and choice. Format choices come from the
renderer registries (`cilint.report.FORMATS`, `cilint.graph.drawing.RENDERERS`)."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from cilint import __version__
from cilint.graph.drawing import RENDERERS as GRAPH_FORMATS
from cilint.report import FORMATS

EXIT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own usage errors: exit 2, one line
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


DESCRIPTION = """\
cilint checks an openshift/release checkout before a change merges. It validates the
ci-operator configs, the step registry, the image-mirroring configs and the clusters' mirror
sets against their schemas, follows every image tag from the configs that pull it to the
promotion or mirror that produces it, and reports what would break a job, with the file, line
and column. It always loads the whole tree: run it at the repository's root, or give --root.

exit codes: 0 no finding at or above --fail-level, 1 findings, 2 usage, configuration or
internal error (one line on stderr)."""

EPILOG = """\
examples:
  cilint check
      check the whole tree and report every finding
  cilint check ci-operator/config/openshift/etcd/openshift-etcd-main.yaml
      the pre-commit hook: these files' findings, and what their change breaks elsewhere
  cilint check --changed-since origin/main --format junit -o junit_cilint.xml
      the pull-request job: only what the branch introduces, as JUnit for Prow
  cilint explain quay.io/openshift/ci:ocp_4.18_base-rhel9
      where an image tag comes from, who pulls it, what to do when it is missing
  cilint check --format sarif -o cilint.sarif
      every finding as SARIF, for GitHub code scanning

`cilint COMMAND --help` describes a command's options; `cilint rules` lists the rules and
`cilint rule NAME` documents one."""

# What each report format is for (`--format`'s help); every format of cilint.report.FORMATS
# needs its line (tests/test_help.py).
FORMAT_HELP = {
    "text": "for people (the default): in pipes and files one line a finding, "
    "path:line:col: severity: CODE [rule] message; on a terminal grouped by file and wrapped",
    "json": "the stable machine contract, {version, findings, summary}",
    "sarif": "SARIF 2.1.0, for GitHub code scanning",
    "junit": "JUnit XML, one testcase per rule, for Prow's JUnit lens",
    "github": "GitHub Actions workflow commands: one annotation a finding",
    "json-lines": "one finding a line as compact JSON, nothing else",
}

GRAPH_FORMAT_HELP = {
    "dot": "Graphviz, for `dot -Tsvg` (the default)",
    "mermaid": "a Mermaid flowchart, for Markdown",
    "json": "the nodes and edges as data",
}


def _choices_help(what: str, meanings: dict[str, str], choices: tuple[str, ...]) -> str:
    """`what`, then a line for each choice (`_LineFormatter` keeps the lines)."""
    return "\n".join([f"{what}:", *(f"{name}: {meanings.get(name, '')}" for name in choices)])


class _LineFormatter(argparse.HelpFormatter):
    """argparse's wrapping, with a newline in a help text kept: one line a choice."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        split = super()._split_lines  # not in the comprehension: its scope has no super()
        return [line for part in text.splitlines() for line in split(part, width)]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cilint",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cilint {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, help="what to do"
    )

    def command(name: str, help: str, **options: Any) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=help, description=help, formatter_class=_LineFormatter, **options
        )

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
    run_options.add_argument(
        "--allow-empty",
        action="store_true",
        help="treat a root with no input as an empty tree (default: exit 2, as it usually "
        "means a wrong --root)",
    )

    check = command("check", help="check a release repository tree", parents=[run_options])
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
        help=_choices_help(
            "how to write the report (default: text); repeatable, each paired in order with "
            "an -o, or else printed (at most one on stdout)",
            FORMAT_HELP,
            tuple(FORMATS),
        ),
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
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="whether to colour the text report:\n"
        "auto: on a terminal, unless NO_COLOR is set or TERM=dumb; in a pipe too when "
        "FORCE_COLOR is set (the default)\n"
        "always: whatever the output and the environment\n"
        "never: plain text",
    )
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
        "--extend-select",
        action="append",
        default=[],
        metavar="RULES",
        help="report these rules as well (same forms as --select); like --select, turns on "
        "rules that .cilint.yaml sets to off",
    )
    check.add_argument(
        "--min-severity",
        choices=("error", "warning", "info"),
        help="lowest severity the report shows; the others are counted, and still decide the "
        "exit code (default: warning for text, sarif and github, info for the others, never "
        "above --fail-level)",
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
    check.add_argument(  # no default: `cilint --debug check` keeps the top level's
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks of internal errors",
    )

    explain = command(
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
    explain.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: the answer for people (default); json: the same as one object",
    )
    explain.add_argument(
        "--all",
        action="store_true",
        dest="all_importers",
        help="list every file that pulls the tag and every file that imports its whole stream "
        "(default: the first 20 and the first 5, the others counted)",
    )

    impact = command(
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
    impact.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: the report for a reviewer (default); json: the same as one object",
    )

    baseline = command(
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

    graph = command(
        "graph",
        help="the neighbourhood of a tag or a file, or the whole tree summed up, as a picture",
        parents=[run_options],
    )
    graph.add_argument(
        "target",
        metavar="TAG-OR-FILE",
        nargs="?",
        help="a tag in any spelling, or a file under the root (default: a summary of the "
        "whole tree: the folders of inputs and the image namespaces they write and pull)",
    )
    graph.add_argument("--root", help="release repository root (default: git top level)")
    graph.add_argument("--config", help="cilint configuration file")
    graph.add_argument(
        "--format",
        choices=tuple(GRAPH_FORMATS),
        default="dot",
        help=_choices_help("how to draw it", GRAPH_FORMAT_HELP, tuple(GRAPH_FORMATS)),
    )

    cache = command("cache", help="manage the result cache")
    cache.add_argument(
        "action",
        choices=("clean", "dir"),
        help="clean: delete its files, those of other cilint versions too; dir: print where",
    )
    cache.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="the cache to act on (default: $CILINT_CACHE_DIR, else $XDG_CACHE_HOME/cilint or "
        "~/.cache/cilint)",
    )

    rules = command("rules", help="list every rule")
    rules.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="text: aligned columns (default); markdown: the table of the README",
    )
    rules.add_argument(
        "--full",
        action="store_true",
        help="every rule's documentation too (markdown: the reference docs/rules.md)",
    )
    rule = command("rule", help="print the documentation of one rule")
    rule.add_argument(
        "name", metavar="NAME-OR-CODE", help="the rule's name (unknown-key) or code (S002)"
    )
    return parser
