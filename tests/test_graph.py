"""`cilint graph`: golden pictures of the example tree and of `tests/graph_cases/`, one node per
imported stream, every field on its edge, a summary when no argument is given, a note for a file
without tags, and a legend for every colour in every format.

Each `tests/graph_cases/<tree>/` holds a tiny release tree in `tree/`, `targets.json` (case name
→ the TAG-OR-FILE argument, null for none) and `expected/<case>.json`, the exact JSON output.
Adding a case is adding a line to `targets.json`; `CILINT_UPDATE_GOLDENS=1 pytest
tests/test_graph.py` rewrites the goldens from the current output (review the diff).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from cilint.cli.entry import main
from cilint.config.settings import load_settings
from cilint.graph.summary import summary
from cilint.pipeline.run import RunOptions, load_tree
from conftest import REPO

EXAMPLES = REPO / "examples" / "release"
GOLDEN = Path(__file__).parent / "golden"
CASES_DIR = Path(__file__).parent / "graph_cases"
STREAMS = CASES_DIR / "streams" / "tree"
CASES = [
    (folder, name, target)
    for folder in sorted(p for p in CASES_DIR.iterdir() if (p / "tree").is_dir())
    for name, target in json.loads((folder / "targets.json").read_text()).items()
]
FORMATS = ("dot", "mermaid", "json")
DRAWN_NOTES = "only what was not checked is drawn"


def graph(
    capsys: pytest.CaptureFixture[str], root: Path, *args: str, fmt: str = "json"
) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `cilint graph` run in this process."""
    code = main(["graph", "--root", str(root), "--no-cache", "--format", fmt, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _golden(path: Path, text: str) -> None:
    if os.environ.get("CILINT_UPDATE_GOLDENS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


def _edges(document: dict) -> dict[tuple[str, str], dict]:
    return {(edge["from"], edge["to"]): edge for edge in document["edges"]}


@pytest.mark.parametrize(
    ("view", "target"),
    [("summary", None), ("tag", "ocp/4.18:base-rhel9")],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_pictures_of_the_example_tree(
    view: str, target: str | None, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = graph(capsys, EXAMPLES, *([target] if target else []), fmt=fmt)
    assert (code, err) == (0, "")
    _golden(GOLDEN / f"graph-{view}.{ {'mermaid': 'mmd'}.get(fmt, fmt) }", out)


@pytest.mark.parametrize(
    ("folder", "name", "target"), CASES, ids=[f"{c[0].name}/{c[1]}" for c in CASES]
)
def test_graph_case(
    folder: Path, name: str, target: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = graph(capsys, folder / "tree", *([target] if target else []))
    assert (code, err) == (0, "")
    _golden(folder / "expected" / f"{name}.json", out)


def test_a_stream_is_one_node_with_an_edge_per_importer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """o/9.9 has 3 tags and 3 importers: one stream node, 3 importer edges, a tag → stream edge
    per tag drawn; never an edge from a tag to each importer."""
    document = json.loads(graph(capsys, STREAMS, "ci-operator/config/o/maker/o-maker-main.yaml")[1])
    edges = _edges(document)
    streams = [node for node in document["nodes"] if node["kind"] == "stream"]
    assert [node["label"] for node in streams] == ["stream o/9.9"]
    importers = {t for (s, t) in edges if s == "stream:o/9.9"}
    assert importers == {
        f"file:ci-operator/config/o/{r}/o-{r}-main.yaml" for r in ("one", "two", "three")
    }
    assert {s for (s, t) in edges if t == "stream:o/9.9"} == {f"tag:o/9.9:{t}" for t in "abc"}
    assert {edges[s, "stream:o/9.9"]["kind"] for s in ("tag:o/9.9:a", "tag:o/9.9:b")} == {
        "in-stream"
    }
    # o/three pulls o/9.9:a itself (base_images.a) and through its stream: both routes drawn
    three = "file:ci-operator/config/o/three/o-three-main.yaml"
    assert edges["tag:o/9.9:a", three]["fields"] == ["base_images.a"]
    assert edges["stream:o/9.9", three]["fields"] == ["tag_specification"]
    assert ("tag:o/9.9:b", three) not in edges


def test_edges_grow_with_tags_plus_importers_not_their_product(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """8 promoted tags of one stream, 12 configs importing it: the maker's view has 8 promotion
    edges, 8 tag → stream edges and 12 importer edges (it had 8 × 12 importer edges); the
    summary has one edge each way, weighted 8 and 12."""
    maker = STREAMS / "ci-operator/config/o/maker/o-maker-main.yaml"
    config = tmp_path / "ci-operator/config/o/maker/o-maker-main.yaml"
    config.parent.mkdir(parents=True)
    text = maker.read_text()
    items = "".join(
        f"  - dockerfile_path: Dockerfile\n    from: base\n    to: t{i}\n" for i in range(8)
    )
    config.write_text(re.sub(r"(?s)(images:\n  items:\n).*?(promotion:)", rf"\g<1>{items}\2", text))
    importer = (STREAMS / "ci-operator/config/o/one/o-one-main.yaml").read_text()
    for i in range(12):
        path = tmp_path / f"ci-operator/config/o/i{i}/o-i{i}-main.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(importer.replace("repo: one", f"repo: i{i}"))
    document = json.loads(graph(capsys, tmp_path, str(config))[1])
    kinds = Counter(edge["kind"] for edge in document["edges"])
    assert kinds == {"produces": 8, "in-stream": 8, "imports": 12, "pulls": 1}
    whole = json.loads(graph(capsys, tmp_path)[1])
    assert [(e["from"], e["to"], e["weight"]) for e in whole["edges"]] == [
        ("folder:ci-operator/config/o", "namespace:o", 8),
        ("namespace:o", "folder:ci-operator/config/o", 13),  # 12 imports, o/tools:latest
    ]


def test_an_edge_carries_every_field_that_makes_it(capsys: pytest.CaptureFixture[str]) -> None:
    maker = "ci-operator/config/o/maker/o-maker-main.yaml"
    pulls = ["base_images.again", "base_images.base", "build_root.image_stream_tag"]
    imports = ["releases.initial.integration", "releases.latest.integration"]
    mirrored = ["qci-to-appci", "supplemental"]
    document = json.loads(graph(capsys, STREAMS, maker)[1])
    edges = _edges(document)
    assert edges["tag:o/tools:latest", f"file:{maker}"]["fields"] == pulls
    assert edges["stream:o/9.9", "file:ci-operator/config/o/two/o-two-main.yaml"]["fields"] == (
        imports
    )
    assert edges["file:core-services/image-mirroring/_config.yaml", "tag:o/9.9:a"]["fields"] == (
        mirrored
    )
    for fmt in ("dot", "mermaid"):
        drawn = graph(capsys, STREAMS, maker, fmt=fmt)[1]
        for fields in (pulls, imports, mirrored):
            assert ", ".join(fields) in drawn, (fmt, fields)


def test_the_example_config_that_pulls_a_tag_two_ways_shows_both(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """acme/widget@main pulls ocp/4.18:base-rhel9 as base_images.base and imports ocp/4.18
    (releases.latest.integration); the old picture kept only the last field."""
    for fmt in FORMATS:
        out = graph(
            capsys, EXAMPLES, "ci-operator/config/acme/widget/acme-widget-main.yaml", fmt=fmt
        )[1]
        assert "base_images.base" in out and "releases.latest.integration" in out, fmt
    document = json.loads(graph(capsys, EXAMPLES, "ocp/4.18:base-rhel9")[1])
    edges = _edges(document)
    widget = "file:ci-operator/config/acme/widget/acme-widget-main.yaml"
    assert edges["tag:ocp/4.18:base-rhel9", widget]["fields"] == ["base_images.base"]
    assert edges["stream:ocp/4.18", widget]["fields"] == ["releases.latest.integration"]


def test_a_file_without_tags_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    idle = "ci-operator/config/o/idle/o-idle-main.yaml"
    for fmt in FORMATS:
        assert graph(capsys, STREAMS, idle, fmt=fmt) == (
            0,
            "",
            f"cilint: {idle} produces, pulls and imports no tag: nothing to draw\n",
        )
    template = "ci-operator/config/acme/gadget/acme-gadget-release-4.0.yaml.j2"
    code, out, err = graph(capsys, EXAMPLES, str(EXAMPLES / template))
    assert (code, out) == (0, "")
    assert err == (
        f"cilint: {template} is not an input (template or other derived file; ci-operator only "
        "reads *.yaml and *.yml): nothing to draw\n"
    )
    # A file with nothing but what could not be checked: that is drawn, and the note says so.
    twice = "ci-operator/config/acme/gadget/acme-gadget-main__twice.yaml"
    code, out, err = graph(capsys, EXAMPLES, twice)
    assert code == 0 and {n["kind"] for n in json.loads(out)["nodes"]} == {"file", "note"}
    assert err == f"cilint: {twice} produces, pulls and imports no tag: {DRAWN_NOTES}\n"


def test_a_bad_target_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = graph(capsys, EXAMPLES, "no-such-file.yaml")
    assert (code, out) == (2, "")
    assert err.startswith(
        "cilint: error: no-such-file.yaml: neither a file under the root nor a tag"
    )
    assert err.count("\n") == 1


@pytest.mark.parametrize("target", [None, "ocp/4.18:base-rhel9", "acme/widget-1.0:widget"])
def test_every_format_explains_its_colours_and_shapes(
    target: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every status and kind drawn has its legend entry: a DOT cluster_legend, a Mermaid legend
    subgraph with a class per colour, a JSON `legend`."""
    args = [target] if target else []
    document = json.loads(graph(capsys, EXAMPLES, *args)[1])
    legend = document["legend"]
    statuses = {node["status"] for node in document["nodes"] if "status" in node}
    assert statuses and statuses <= set(legend["status"])
    assert {node["kind"] for node in document["nodes"]} <= set(legend["nodes"])
    assert {edge["kind"] for edge in document["edges"]} <= set(legend["edges"])
    colours = {entry["colour"] for entry in legend["status"].values()}
    assert colours == {"black", "orange", "red"}

    dot = graph(capsys, EXAMPLES, *args, fmt="dot")[1]
    body, _, drawn_legend = dot.partition("subgraph cluster_legend {")
    for colour in set(re.findall(r"color=(\w+)", body)):
        assert re.search(
            rf'label="\w+ \({colour}\): [^"]+", shape=box, color={colour}', drawn_legend
        )

    mermaid = graph(capsys, EXAMPLES, *args, fmt="mermaid")[1]
    body, _, drawn_legend = mermaid.partition("subgraph legend")
    for status in set(re.findall(r"class n\d+ (\w+)", body)):
        assert f":::{status}" in drawn_legend and f"classDef {status} stroke:" in mermaid


def test_the_summary_sums_every_pull_and_every_write(capsys: pytest.CaptureFixture[str]) -> None:
    """Summary weights are the distinct (file, tag or stream) pairs of the whole graph, so no
    pull is lost by summing up; nodes are folders and namespaces only."""
    settings = load_settings(EXAMPLES)
    tree = load_tree(settings, RunOptions(), rules=False)
    view = summary(tree.graph, settings.layout)
    pulls = {(c.location.path, c.tag or c.stream) for c in tree.graph.consumers}
    writes = {(p.location.path, p.tag or str(p.pattern)) for p in tree.graph.producers}
    weights = Counter()
    for _, _, data in view.edges(data=True):
        weights[data["kind"]] += data["weight"]
    assert weights == {"pulls": len(pulls), "produces": len(writes)}
    assert {data["kind"] for _, data in view.nodes(data=True)} == {"folder", "file", "namespace"}
