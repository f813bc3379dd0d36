"""unresolved-step: a test or chain names a ref, chain, workflow or observer that does not exist,
or a chain includes itself.

**What it does**
Resolves each multi-stage test through the step registry, as ci-operator does (the test's own
`pre`/`test`/`post` win over its workflow's; chains expand recursively; observers are enabled
by the workflow, the test and the steps, minus `observers.disable`), and reports every name
that is not in the registry, with the closest existing name, and every chain that includes
itself (directly or through other chains), where the cycle closes.

**Why it matters**
ci-operator-configresolver fails the config ("unknown step"), and with it every job of that
config; in a rehearsal the error appears only after the jobs were scheduled. A cycle of chains
makes the registry itself invalid (ci-tools `registry.NewGraph` rejects it).

**Example**
```yaml
tests:
- as: e2e
  steps:
    workflow: openshift-e2e-aws
    test:
    - ref: openshift-e2e-tset
```

**Fix**
```yaml
    test:
    - ref: openshift-e2e-test
```

**Options**
None. Images pulled by registry steps are checked by `unproduced-tag` once resolved.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.graph.step_resolution import CYCLE
from cilint.rules.context import RuleContext
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="R001",
    name="unresolved-step",
    severity=Severity.ERROR,
    summary=(
        "A test or chain uses a ref, chain, workflow or observer missing from the registry, or "
        "a chain includes itself."
    ),
)
READS = frozenset({Read.REGISTRY, Read.REGISTRY_NAMES})


def check(ctx: RuleContext) -> Iterator[Finding]:
    registry = ctx.graph.registry
    selected = ctx.selected
    steps = [s for s in ctx.graph.unresolved_steps() if selected(s.location.path)]
    for step in sorted(steps, key=lambda s: s.location.sort_key()):
        if step.kind == CYCLE:
            yield ctx.finding(
                RULE,
                step.location,
                f"chain {step.name!r} includes itself here (reached by {step.user}); the step "
                "registry rejects a cycle, and with it every job: remove this step or the one "
                "that leads back",
                subject=f"cycle {step.name}",
            )
            continue
        names = registry.names(step.kind)
        close = difflib.get_close_matches(step.name, names, n=1, cutoff=0.8) if names else []
        hint = f": did you mean {close[0]!r}?" if close else ": add it or fix the name"
        yield ctx.finding(
            RULE,
            step.location,
            f"{step.kind} {step.name!r} is not in the step registry (used by {step.user}); "
            f"resolving the test fails{hint}",
            subject=f"{step.kind} {step.name}",
        )
