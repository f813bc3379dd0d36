"""Finding identity and the comparison of two ends of a change (`cilint.change.compare`), and
which facts count as changed (`cilint.change.reach.touches`)."""

from __future__ import annotations

from cilint.change.compare import introduced, owned
from cilint.change.reach import MIRRORS, touches
from cilint.facts.model import ACTIVE, DISABLED, Consumer, FileFacts, MirrorEntry, Producer
from cilint.facts.result import FileResult
from cilint.findings import Cause, Finding, Severity
from cilint.inputs.kinds import Kind
from cilint.location import Location


def _finding(line: int = 3, message: str = "m", subject: str | None = None) -> Finding:
    return Finding(
        "a.yaml",
        line,
        5,
        "T001",
        "unproduced-tag",
        Severity.ERROR,
        message,
        "ns/n:t",
        subject=subject,
    )


def test_identity_ignores_line_column_and_positions_in_the_message() -> None:
    before = _finding(3, "promoted by x (b.yaml:12), see line 4, column 2")
    after = _finding(9, "promoted by x (b.yaml:40), see line 7, column 1")
    assert before.identity() == after.identity()
    assert before.identity() != _finding(3, "promoted by y (b.yaml:12)").identity()


def test_identity_uses_the_subject_when_the_rule_sets_one() -> None:
    first = _finding(message="pulled; did you mean ns/n:u?", subject="pulled (base_images.x)")
    second = _finding(message="pulled; did you mean ns/n:v?", subject="pulled (base_images.x)")
    assert first.identity() == second.identity()
    other = _finding(message="pulled; did you mean ns/n:u?", subject="pulled (base_images.y)")
    assert other.identity() != first.identity()


def test_introduced_is_a_multiset_difference() -> None:
    same = _finding()
    new, fixed = introduced([same, same, _finding(message="other")], [same])
    assert new == {1, 2}  # the second copy and the other one
    assert fixed == 0
    new, fixed = introduced([same], [same, same, _finding(message="gone")])
    assert new == set()
    assert fixed == 2


def test_the_invocation_holding_the_cause_reports_it() -> None:
    present = {"c/a.yaml", "c/b.yaml"}

    def holds(files: set[str]):  # noqa: ANN202
        return files.__contains__

    cause = Cause("c/b.yaml", 4)
    assert owned(cause, holds({"c/b.yaml"}), present, "c/a.yaml")
    assert not owned(cause, holds({"c/a.yaml"}), present, "c/a.yaml")
    # A deleted stanza of a file still there: still that file's invocation.
    assert not owned(Cause("c/b.yaml", 4, at_base=True), holds({"c/a.yaml"}), present, "c/a.yaml")
    # A deleted file: the invocation holding the first changed file still there.
    gone = Cause("c/0-deleted.yaml", 7, at_base=True)
    assert owned(gone, holds({"c/a.yaml"}), present, "c/a.yaml")
    assert not owned(gone, holds({"c/b.yaml"}), present, "c/a.yaml")
    assert owned(gone, holds(set()), set(), None)


def _result(facts: FileFacts, kind: Kind = Kind.CI_OPERATOR_CONFIG) -> FileResult:
    return FileResult("c/x.yaml", kind, (), facts=facts)


def _producer(state: str = ACTIVE, line: int = 0) -> Producer:
    return Producer(
        "promotion",
        "ns/img:tag",
        state,
        Location("c/x.yaml", line, 1, 0, ("promotion",)),
        "promotion.to[0]",
        "o/r@main",
    )


def test_a_fact_that_only_moved_is_not_a_change() -> None:
    assert (
        touches(_result(FileFacts((_producer(line=3),))), _result(FileFacts((_producer(line=9),))))
        == []
    )


def test_a_removed_or_disabled_producer_reaches_its_tags_consumers_and_stream() -> None:
    gone = touches(_result(FileFacts((_producer(),))), _result(FileFacts()))
    assert len(gone) == 1 and gone[0].at_base
    assert gone[0].names == {"c:ns/img:tag", "p:ns/img:tag", "s:ns/img"}
    disabled = touches(
        _result(FileFacts((_producer(),))), _result(FileFacts((_producer(DISABLED),)))
    )
    assert {t.at_base for t in disabled} == {True, False}


def test_a_consumer_change_stays_in_its_file() -> None:
    consumer = Consumer("base_images.x", Location("c/x.yaml"), "o/r@main", tag="ns/img:tag")
    assert touches(_result(FileFacts()), _result(FileFacts(consumers=(consumer,)))) == []


def test_mirror_changes_reach_every_manifest() -> None:
    entry = MirrorEntry("ImageTagMirrorSet", "src", ("a", "b"), None, Location("m.yaml"))
    moved = MirrorEntry("ImageTagMirrorSet", "src", ("b", "a"), None, Location("m.yaml"))
    kind = Kind.CLUSTER_MANIFEST
    found = touches(
        _result(FileFacts(mirrors=(entry,)), kind), _result(FileFacts(mirrors=(moved,)), kind)
    )
    assert found and all(MIRRORS in t.names for t in found)
    # A manifest added (a new cluster folder) changes which clusters there are.
    added = touches(None, _result(FileFacts(), kind))
    assert [MIRRORS in t.names for t in added] == [True]
