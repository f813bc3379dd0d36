"""SARIF 2.1.0 for GitHub code scanning: every rule described, `results: []` when clean."""

from __future__ import annotations

import hashlib
import json

from cilint import __version__
from cilint.findings import Severity
from cilint.pipeline.results import CheckResult
from cilint.report.options import ReportOptions
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
        "fullDescription": {"text": doc.split("\n", 1)[0]},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": _LEVEL[spec.severity]},
    }


def render(result: CheckResult, options: ReportOptions) -> str:
    index = {module.RULE.code: n for n, module in enumerate(ALL_RULES)}
    results = []
    baselined = result.baselined or []
    for number, finding in enumerate([*result.findings, *baselined]):
        fingerprint = hashlib.sha256(
            f"{finding.path}\0{finding.code}\0{finding.message}".encode()
        ).hexdigest()[:32]
        record: dict[str, object] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": _LEVEL[finding.severity],
            "message": {"text": finding.worded},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path, "uriBaseId": "ROOT"},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "partialFingerprints": {"cilintFinding/v1": fingerprint},
        }
        if finding.introduced is not None:  # a change-aware run: new, or there at the base
            record["baselineState"] = "new" if finding.introduced else "unchanged"
        if finding.cause is not None:
            record["properties"] = {"cause": finding.cause.as_json()}
            record["relatedLocations"] = [
                {
                    "id": 1,
                    "message": {"text": "the change that caused it"},
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.cause.path, "uriBaseId": "ROOT"},
                        "region": {"startLine": finding.cause.line},
                    },
                }
            ]
        if number >= len(result.findings):  # in the baseline: shown, as suppressed
            record["suppressions"] = [
                {"kind": "external", "justification": "in the cilint baseline"}
            ]
        results.append(record)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cilint",
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/openshift/release",
                        "rules": [_descriptor(module) for module in ALL_RULES],
                    }
                },
                "automationDetails": {"id": "cilint/"},
                "originalUriBaseIds": {
                    "ROOT": {"description": {"text": "the release repository root"}}
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
