"""file-name: an input file's path does not follow the naming convention its loader relies on.

**What it does**
- ci-operator configs must sit at `<org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml` under
  the config folder (ci-tools `InfoFromPath`). Reports files nested deeper or shallower, without
  the `<org>-<repo>-` prefix, with an empty branch or variant, or ending in `.yml`.
- Step-registry files must be named `<prefix>-ref.yaml`, `-chain.yaml`, `-workflow.yaml` or
  `-observer.yaml`, where `<prefix>` is their folder path joined with `-`, and their `as` (or an
  observer's `name`) must equal that prefix (ci-tools `pkg/load/load.go`). Any other file there
  (other than `*-commands*` scripts, `*.metadata.json`, `OWNERS`, `*.md` and
  `cluster-profiles/`) is rejected by the registry loader.

**Why it matters**
determinize and prowgen derive org, repo, branch and variant from the path: a misnamed config
gets wrong metadata and jobs for the wrong branch, or fails the `prow-config-filenames` check.
A misnamed registry file makes the whole step registry fail to load, which breaks every
rehearsal and config resolution.

**Example**
`ci-operator/config/openshift/etcd/master.yaml`;
`ci-operator/step-registry/ipi/install/ipi-install-install-ref.yaml` with `as: ipi-install`.

**Fix**
`ci-operator/config/openshift/etcd/openshift-etcd-master.yaml`;
`ci-operator/step-registry/ipi/install/ipi-install-ref.yaml`.

**Options**
The config and registry folders come from the policy's `layout`.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.inputs.config_path import parse_config_path
from cilint.inputs.kinds import INPUT_KINDS, Kind
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="F001",
    name="file-name",
    severity=Severity.ERROR,
    summary="A config or step-registry file's path breaks the naming convention.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    if ctx.kind is Kind.CI_OPERATOR_CONFIG:
        info = parse_config_path(ctx.relative)
        if isinstance(info, str):
            yield ctx.finding(
                RULE,
                (1, 1),
                f"{info}; ci-operator derives org/repo/branch/variant from the path: move or "
                "rename the file to <org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml",
            )
        return
    if ctx.kind is Kind.STEP_OTHER:
        yield ctx.finding(
            RULE,
            (1, 1),
            "not a step-registry file name: the registry loader accepts only "
            "<prefix>-{ref,chain,workflow,observer}.yaml, *-commands scripts, *.metadata.json, "
            "OWNERS and *.md, and rejects the whole registry otherwise: rename or move this file",
        )
        return
    row = INPUT_KINDS[ctx.kind]
    if row.element is None or row.name_key is None:
        return
    top, suffix, name_key = row.element, row.suffix, row.name_key
    relative = ctx.relative
    folders, _, file_name = relative.rpartition("/")
    prefix = folders.replace("/", "-")
    expected = f"{prefix}{suffix}"
    if file_name != expected:
        yield ctx.finding(
            RULE,
            (1, 1),
            f"a {top} in folder {folders or '.'!r} must be named {expected!r} (the folder path "
            f"joined with '-'), not {file_name!r}: rename the file or move it",
        )
        return
    data = ctx.data
    body = data.get(top) if isinstance(data, dict) else None
    declared = body.get(name_key) if isinstance(body, dict) else None
    if isinstance(declared, str) and declared != prefix:
        yield ctx.finding(
            RULE,
            ctx.locate(0, (top, name_key)),
            f"{top}.{name_key} is {declared!r} but the file's folder makes it {prefix!r}; the "
            f"registry loader rejects the mismatch: set {name_key}: {prefix}",
        )
