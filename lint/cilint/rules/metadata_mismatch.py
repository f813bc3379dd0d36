"""metadata-mismatch: `zz_generated_metadata` disagrees with the config's path.

**What it does**
Compares `zz_generated_metadata` (org, repo, branch, variant) of a ci-operator config with what
its path says (`<org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml`), and reports a missing
block or each differing field. Files whose path is malformed are left to `file-name`.

**Why it matters**
determinize rewrites the metadata from the path ("the filepath is the ultimate source of
truth"), but several consumers read the in-file metadata instead: config lookup by org/repo,
ci-operator-checkconfig's duplicate-promotion report, and the build-cache tag
`build-cache/<org>-<repo>:<branch>`. A mismatch means jobs and promotions attributed to the
wrong branch, and a failing `ci-operator-config-metadata` presubmit.

**Example**
`ci-operator/config/openshift/etcd/openshift-etcd-release-4.18.yaml` with
```yaml
zz_generated_metadata:
  org: openshift
  repo: etcd
  branch: release-4.17
```

**Fix**
```yaml
zz_generated_metadata:
  org: openshift
  repo: etcd
  branch: release-4.18
```
(or run `make ci-operator-config` in openshift/release).

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.inputs.config_path import parse_config_path
from cilint.inputs.kinds import Kind
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="F002",
    name="metadata-mismatch",
    severity=Severity.ERROR,
    summary="zz_generated_metadata disagrees with the org/repo/branch/variant of the path.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    if ctx.kind is not Kind.CI_OPERATOR_CONFIG or not isinstance(ctx.data, dict):
        return
    info = parse_config_path(ctx.relative)
    if isinstance(info, str):
        return
    metadata = ctx.data.get("zz_generated_metadata")
    expected = info.metadata()
    if not isinstance(metadata, dict):
        if metadata is None:
            block = ", ".join(f"{k}: {v}" for k, v in expected.items())
            yield ctx.finding(
                RULE,
                (1, 1),
                f"zz_generated_metadata is missing; tools that key on it see an empty org/repo: "
                f"add zz_generated_metadata: {{{block}}} (or run make ci-operator-config)",
            )
        return
    for field in ("org", "repo", "branch", "variant"):
        want = expected.get(field, "")
        have = metadata.get(field, "")
        if have != want and not (field == "variant" and have is None):
            position = ctx.locate(
                0,
                ("zz_generated_metadata", field)
                if field in metadata
                else ("zz_generated_metadata",),
                "value" if field in metadata else "key",
            )
            what = f"{have!r}" if field in metadata else "missing"
            yield ctx.finding(
                RULE,
                position,
                f"zz_generated_metadata.{field} is {what} but the path says {want!r}: "
                + (f"set {field}: {want}" if want else f"remove {field}")
                + " (or run make ci-operator-config)",
            )
