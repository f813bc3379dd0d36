"""`cilint explain`'s advice, per status and producer state, as structured suggestions: a
disabled producer first, a way to check a pattern-covered tag, never a promotion in ART's
namespaces."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from conftest import REPO, run_cilint

EXAMPLES = REPO / "examples" / "release"
DISABLED_BASE = """build_root:
  image_stream_tag: {name: release, namespace: openshift, tag: golang-1.22}
images:
  items:
  - dockerfile_path: Dockerfile
    to: base-rhel9
promotion:
  to:
  - disabled: true
    name: "4.18"
    namespace: ocp
resources:
  '*':
    requests: {cpu: 100m}
zz_generated_metadata: {branch: main, org: acme, repo: base}
"""


def explain(root: Path, tag: str) -> tuple[int, dict[str, Any]]:
    """The answer, the same from the cache (a partial load) and from the whole tree."""
    runs = [
        run_cilint("explain", "--root", str(root), "--format", "json", *cache, tag)
        for cache in ([], ["--no-cache"])
    ]
    assert runs[0].returncode in (0, 1), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and runs[0].returncode == runs[1].returncode
    answer: dict[str, Any] = json.loads(runs[0].stdout)
    return runs[0].returncode, answer


def kinds(answer: dict[str, Any]) -> list[str]:
    return [s["kind"] for s in answer["suggestions"]]


def test_a_pattern_covered_tag_says_how_to_check_it_was_published() -> None:
    code, answer = explain(EXAMPLES, "ocp/4.18:base-rhel9")
    assert code == 0 and answer["status"] == "conditional"
    (check,) = answer["suggestions"]
    assert check["kind"] == "check-published"
    assert (check["path"], check["line"]) == ("core-services/image-mirroring/_config.yaml", 18)
    assert "`oc --context app.ci -n ocp get imagestreamtag 4.18:base-rhel9`" in check["text"]
    assert (
        "https://quay.io/repository/openshift/ci?tab=tags&tag=ocp_4.18_base-rhel9"
        in (check["text"])
    )


def test_a_disabled_producer_comes_first_even_for_a_pattern_covered_tag(tmp_path: Path) -> None:
    root = tmp_path / "release"
    shutil.copytree(EXAMPLES, root)
    config = root / "ci-operator" / "config" / "acme" / "base" / "acme-base-main.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(DISABLED_BASE)
    code, answer = explain(root, "ocp/4.18:base-rhel9")
    assert code == 0 and answer["status"] == "conditional"
    assert kinds(answer) == ["enable-producer", "check-published"]
    first = answer["suggestions"][0]
    assert first["path"] == "ci-operator/config/acme/base/acme-base-main.yaml"
    assert first["line"] == 9 and "is disabled" in first["text"]


def test_art_namespaces_never_get_a_promotion_or_a_mirror_entry() -> None:
    code, answer = explain(EXAMPLES, "ocp/4.18:base-rhle9")
    assert code == 1 and answer["status"] == "unproduced"
    assert kinds(answer) == ["did-you-mean", "ask-art"]
    # The close name is a tag only a pattern covers, pulled elsewhere in the tree.
    assert answer["suggestions"][0]["tag"] == "ocp/4.18:base-rhel9"
    assert "covered by artImages[0]" in answer["suggestions"][0]["text"]
    assert "promote" not in kinds(answer) and "mirror" not in kinds(answer)
    assert "promotion.to" not in json.dumps(answer["suggestions"])


def test_a_missing_tag_of_ours_gets_names_then_where_it_would_come_from() -> None:
    code, answer = explain(EXAMPLES, "acme/widget:widgit")
    assert code == 1
    assert kinds(answer) == ["did-you-mean", "promote", "mirror"]
    assert answer["suggestions"][0]["tag"] == "acme/widget:widget"


def test_a_disabled_promotion_replaces_the_advice_to_add_one() -> None:
    _, answer = explain(EXAMPLES, "acme/widget-1.0:widget")
    assert kinds(answer)[0] == "enable-producer" and "promote" not in kinds(answer)
    first = answer["suggestions"][0]
    assert first["path"] == "ci-operator/config/acme/widget/acme-widget-release-1.0.yaml"
    assert first["line"] == 16


def test_the_text_form_lists_the_same_advice() -> None:
    run = run_cilint("explain", "--root", str(EXAMPLES), "acme/widget:widgit")
    _, answer = explain(EXAMPLES, "acme/widget:widgit")
    advice = run.stdout.split("What to do:\n", 1)[1].splitlines()
    assert advice == [f"  - {s['text']}" for s in answer["suggestions"]]


CONSUMER = """base_images:
  widget: {name: widget, namespace: acme, tag: widget}
build_root:
  image_stream_tag: {name: release, namespace: openshift, tag: golang-1.22}
resources:
  '*':
    requests: {cpu: 100m}
zz_generated_metadata: {branch: main, org: pull, repo: r%02d}
"""


def test_a_busy_tag_lists_the_first_20_files_that_pull_it(tmp_path: Path) -> None:
    root = tmp_path / "release"
    shutil.copytree(EXAMPLES, root)
    for n in range(30):
        config = root / "ci-operator" / "config" / "pull" / f"r{n:02d}" / f"pull-r{n:02d}-main.yaml"
        config.parent.mkdir(parents=True)
        config.write_text(CONSUMER % n)
    _, answer = explain(root, "acme/widget:widget")
    files = answer["consumer_files"]
    assert files == {"files": 30, "listed": 20}
    assert len({c["path"] for c in answer["consumers"] if "whole stream" not in c["field"]}) == 20
    run = run_cilint("explain", "--root", str(root), "acme/widget:widget")
    assert f"and {files['files'] - 20} more files that pull it (--all lists them)" in run.stdout
    every = run_cilint(
        "explain", "--root", str(root), "--format", "json", "--all", "acme/widget:widget"
    )
    listed = json.loads(every.stdout)["consumer_files"]
    assert listed["listed"] == listed["files"] == files["files"]
