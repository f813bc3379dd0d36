"""unused-suppression: a `# cilint: ignore[...]` comment that suppresses no finding.

**What it does**
Reports each rule named in a `# cilint: ignore[...]` comment that had no finding to suppress
on the line the comment applies to (its own line, or for a comment alone on its line, the next
line holding data). Checked after every other rule, over the whole tree or the files a run is
given; rules turned `off` in `.cilint.yaml` are not reported.

**Why it matters**
The problem was fixed, or the comment sits on the wrong line: either way it no longer says
anything true, and a suppression left behind would hide the next real finding there.

**Example**
```yaml
promotion:
  to:
  - namespace: ocp     # cilint: ignore[duplicate-promotion] moved to 4.22 (fixed since)
    name: "4.21"
```

**Fix**
Delete the comment, or move it to the line the finding is reported on.

**Options**
None.
"""

from __future__ import annotations

from cilint.findings import Severity
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="C002",
    name="unused-suppression",
    severity=Severity.WARNING,
    summary="A # cilint: ignore[...] comment with no finding to suppress on its line.",
)
