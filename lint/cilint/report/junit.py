"""JUnit XML for Prow's Spyglass: one stable testcase per rule, failed when the rule has a
finding at or above the fail level; every occurrence listed as `path:line:col: message`."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from cilint.pipeline.results import CheckResult
from cilint.printable import printable
from cilint.report.options import ReportOptions
from cilint.rules.registry import ALL_RULES


def render(result: CheckResult, options: ReportOptions) -> str:
    suite = ET.Element("testsuite", name="cilint")
    failures = 0
    for module in ALL_RULES:
        spec = module.RULE
        mine = [f for f in result.findings if f.code == spec.code]
        case = ET.SubElement(suite, "testcase", classname="cilint", name=f"{spec.code} {spec.name}")
        lines = "\n".join(  # escaped: one occurrence a line, and no character XML forbids
            printable(f"{f.path}:{f.line}:{f.column}: {f.severity.label}: {f.worded}") for f in mine
        )
        failing = [f for f in mine if f.severity >= options.fail_level]
        if failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(failing)} finding(s) of {spec.name}: {spec.summary}",
                type=spec.severity.label,
            )
            failure.text = lines
        elif mine:
            ET.SubElement(case, "system-out").text = lines
    suite.set("tests", str(len(ALL_RULES)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
