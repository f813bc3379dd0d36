"""SARIF 2.1.0 for GitHub code scanning: every rule described, `results: []` when clean.

GitHub code scanning shows at most 5,000 results of a run (docs.github.com, "SARIF results
exceed one or more limits") and does not reliably pick them by severity (github/docs#38085), so
beyond `ReportOptions.sarif_max_results` cilint chooses: errors first, then warnings, then
infos, findings before baselined ones; a notification says what was left out.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from cilint import HOMEPAGE, __version__
from cilint.findings import Finding, Severity
from cilint.pipeline.results import CheckResult
from cilint.report.options import ReportOptions
from cilint.report.summary import by_severity
from cilint.rules.doc_text import plain
from cilint.rules.reference import help_uri
from cilint.rules.registry import ALL_RULES
from cilint.rules.spec import Rule

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _descriptor(module: Rule) -> dict[str, object]:
    spec = module.RULE
    doc = (module.__doc__ or "").strip()
    return {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": plain(doc.split("\n", 1)[0])},
        "helpUri": help_uri(spec),
        "help": {"text": plain(doc), "markdown": doc},
        "defaultConfiguration": {"level": _LEVEL[spec.severity]},
    }


def _region(line: int, column: int | None = None) -> dict[str, object]:
    region: dict[str, object] = {"startLine": line}
    if column is not None:
        region["startColumn"] = column
    return region


# What a path segment may hold as it is (RFC 3986 pchar, but ':', which would make a first
# segment read as a scheme); anything else (spaces, newlines, non-ASCII) is percent-encoded.
_URI_SAFE = "/!$&'()*+,;=@"


def _place(path: str, region: dict[str, object]) -> dict[str, object]:
    uri = quote(path, safe=_URI_SAFE)
    return {"artifactLocation": {"uri": uri, "uriBaseId": "ROOT"}, "region": region}


def _related(finding: Finding) -> list[dict[str, object]]:
    """The finding's other places, then the change that caused it; ids unique in the result."""
    places: list[tuple[str, dict[str, object], str]] = [
        (other.path, _region(other.line, other.column), other.message) for other in finding.related
    ]
    if finding.cause is not None:
        places.append(
            (finding.cause.path, _region(finding.cause.line), "the change that caused it")
        )
    return [
        {"id": number, "message": {"text": text}, "physicalLocation": _place(path, region)}
        for number, (path, region, text) in enumerate(places, start=1)
    ]


def _result(finding: Finding, index: dict[str, int], suppressed: bool) -> dict[str, object]:
    fingerprint = hashlib.sha256(
        f"{finding.path}\0{finding.code}\0{finding.message}".encode()
    ).hexdigest()[:32]
    record: dict[str, object] = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.worded},
        "locations": [
            {"physicalLocation": _place(finding.path, _region(finding.line, finding.column))}
        ],
        "partialFingerprints": {"cilintFinding/v1": fingerprint},
    }
    if finding.introduced is not None:  # a change-aware run: new, or there at the base
        record["baselineState"] = "new" if finding.introduced else "unchanged"
    if finding.cause is not None:
        record["properties"] = {"cause": finding.cause.as_json()}
    related = _related(finding)
    if related:
        record["relatedLocations"] = related
    if suppressed:  # in the baseline: shown, as suppressed
        record["suppressions"] = [{"kind": "external", "justification": "in the cilint baseline"}]
    return record


def _kept(findings: list[tuple[Finding, bool]], limit: int) -> set[int]:
    """The indexes of the findings to keep: errors first, then warnings, then infos, findings
    before baselined ones, in their order otherwise (0: all)."""
    if not limit or len(findings) <= limit:
        return set(range(len(findings)))
    ranked = sorted(
        range(len(findings)), key=lambda n: (findings[n][1], -findings[n][0].severity, n)
    )
    return set(ranked[:limit])


def _left_out(findings: list[tuple[Finding, bool]], limit: int) -> dict[str, object]:
    """The notification that says what the limit left out, and how to get it."""
    baselined = sum(suppressed for _, suppressed in findings)
    of_them = f" ({baselined} of them in the baseline)" if baselined else ""
    listed = by_severity([finding for finding, _ in findings])
    return {
        "level": "warning",
        "descriptor": {"id": "cilint/results-left-out"},
        "message": {
            "text": f"This log holds the {limit} most severe results; {listed}{of_them} "
            "were left out. `cilint check --format json` lists every finding, and "
            "`--sarif-max-results 0` puts them all in the SARIF log."
        },
    }


def _hidden(hidden: list[Finding]) -> dict[str, object]:
    """The notification that counts the findings below `--min-severity`."""
    lowest = min(f.severity for f in hidden)
    return {
        "level": "note",
        "descriptor": {"id": "cilint/below-min-severity"},
        "message": {
            "text": f"{by_severity(hidden)} below the minimum severity shown are not in this "
            f"log; `--min-severity {lowest.label}` puts them in."
        },
    }


def render(result: CheckResult, options: ReportOptions) -> str:
    index = {module.RULE.code: n for n, module in enumerate(ALL_RULES)}
    findings = [(f, False) for f in result.findings]
    findings += [(f, True) for f in result.baselined or []]
    limit = options.sarif_max_results
    kept = _kept(findings, limit)
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "cilint",
                "semanticVersion": __version__,
                "informationUri": HOMEPAGE,
                "rules": [_descriptor(module) for module in ALL_RULES],
            }
        },
    }
    notifications = []
    if len(kept) < len(findings):
        left_out = [item for n, item in enumerate(findings) if n not in kept]
        notifications.append(_left_out(left_out, limit))
    if result.hidden:
        notifications.append(_hidden(result.hidden))
    if notifications:
        run["invocations"] = [
            {"executionSuccessful": True, "toolExecutionNotifications": notifications}
        ]
    run["automationDetails"] = {"id": "cilint/"}
    run["originalUriBaseIds"] = {"ROOT": {"description": {"text": "the release repository root"}}}
    run["results"] = [
        _result(finding, index, suppressed)
        for n, (finding, suppressed) in enumerate(findings)
        if n in kept
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
