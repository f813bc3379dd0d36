"""A change-aware run (`cilint.change.run.compare_change`) introduces exactly the findings two
full runs tell apart: for a random edit of a generated tree committed in git, the identities of
the introduced findings are Counter(full run now) - Counter(full run at HEAD), and `fixed` is
the size of the reverse difference. Checked with a cache warmed at HEAD (partial: only what the
change reaches is loaded; a fall-back to the whole evaluation fails the case) and without one
(both ends whole).

The tree is bench/generate_tree.py's with one fault of every rule (so findings of every rule are
there to be fixed, moved or multiplied), plus `EXTRAS`: registry elements nothing uses, a deep
ref one config reaches, a stream one config produces and another imports whole. The base full
run is taken once, in a worktree checked out at HEAD (paths are root-relative, so identities
compare). Each case resets the tree to HEAD, applies one edit kind with `random.Random` seeded by
kind and seed choosing the file and the place, stages everything (as pre-commit sees the change;
untracked files are not part of a change, they are there at both ends) and compares.
`test_change_runs_along_a_history` keeps one cache for a series of edits, committing some.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from cilint.change.run import compare_change
from cilint.config.settings import load_settings
from cilint.inputs.git import head_base, repository_prefix
from cilint.pipeline.run import RunOptions, run_check
from conftest import bench_generate_tree

generate_tree = bench_generate_tree()

CONFIGS = 250
TREE_SEED = 7
SEEDS_PER_KIND = 4
MULTI_SEEDS = 8

# Edit kinds (with seeds) known to break the property. Each stays a failing case (strict
# xfail: it fails the run when it starts passing, so the list has to follow the fixes).
KNOWN_MISMATCHES: dict[tuple[str, int], str] = {}

# Added to the generated tree before the base commit: registry elements nothing uses (their
# images are checked only once a test reaches them, so using one makes findings appear in files
# the change does not touch), and a config reaching a deep ref that pulls an unproduced image
# (removing the path to it fixes a finding three files away).
EXTRAS = {
    "ci-operator/step-registry/extra/unused/extra-unused-ref.yaml": (
        "ref:\n  as: extra-unused\n  from_image:\n    name: never-produced\n    namespace: ci\n"
        "    tag: latest\n  commands: extra-unused-commands.sh\n  resources:\n    requests:\n"
        "      cpu: 100m\n      memory: 100Mi\n  documentation: An unused step.\n"
    ),
    "ci-operator/step-registry/extra/unused/extra-unused-commands.sh": "#!/bin/bash\ntrue\n",
    "ci-operator/step-registry/extra/covered/extra-covered-ref.yaml": (
        "ref:\n  as: extra-covered\n  from_image:\n    name: builder\n    namespace: ocp\n"
        "    tag: rhel-9-golang-1.99-openshift-4.99\n  commands: extra-covered-commands.sh\n"
        "  resources:\n    requests:\n      cpu: 100m\n      memory: 100Mi\n"
        "  documentation: An unused step pulling an image only artImages covers.\n"
    ),
    "ci-operator/step-registry/extra/covered/extra-covered-commands.sh": "#!/bin/bash\ntrue\n",
    "ci-operator/step-registry/extra/chain/extra-chain-chain.yaml": (
        "chain:\n  as: extra-chain\n  steps:\n  - ref: extra-covered\n  - ref: extra-missing\n"
        "  - chain: extra-inner\n  documentation: An unused chain.\n"
    ),
    "ci-operator/step-registry/extra/inner/extra-inner-chain.yaml": (
        "chain:\n  as: extra-inner\n  steps:\n  - ref: extra-unused\n"
        "  documentation: An unused chain.\n"
    ),
    "ci-operator/step-registry/extra/extra-workflow.yaml": (
        "workflow:\n  as: extra\n  steps:\n    pre:\n    - chain: extra-chain\n    test:\n"
        "    - ref: extra-unused\n  documentation: An unused workflow.\n"
    ),
    "ci-operator/step-registry/extra/deep/extra-deep-ref.yaml": (
        "ref:\n  as: extra-deep\n  from_image:\n    name: deep-never-produced\n    namespace: ci\n"
        "    tag: latest\n  commands: extra-deep-commands.sh\n  resources:\n    requests:\n"
        "      cpu: 100m\n      memory: 100Mi\n  documentation: A deep step.\n"
    ),
    "ci-operator/step-registry/extra/deep/extra-deep-commands.sh": "#!/bin/bash\ntrue\n",
    "ci-operator/step-registry/extra/used/extra-used-chain.yaml": (
        "chain:\n  as: extra-used\n  steps:\n  - ref: extra-deep\n"
        "  documentation: A chain one config reaches.\n"
    ),
    "ci-operator/step-registry/extra/used/extra-used-workflow.yaml": (
        "workflow:\n  as: extra-used\n  steps:\n    test:\n    - chain: extra-used\n"
        "  documentation: A workflow one config uses.\n"
    ),
    "ci-operator/config/extraorg/extrarepo/extraorg-extrarepo-main.yaml": (
        "build_root:\n  from_repository: true\nresources:\n  '*':\n    requests:\n      cpu: 100m\n"
        "      memory: 200Mi\ntests:\n- as: e2e\n  steps:\n    cluster_profile: aws\n"
        "    workflow: extra-used\nzz_generated_metadata:\n  branch: main\n  org: extraorg\n"
        "  repo: extrarepo\n"
    ),
    # a stream with one producer, imported whole by another config
    "ci-operator/config/extraorg/streamer/extraorg-streamer-main.yaml": (
        "build_root:\n  from_repository: true\nimages:\n  items:\n  - dockerfile_path: Dockerfile\n"
        '    to: streamed\npromotion:\n  to:\n  - name: "9.9"\n    namespace: extra\n'
        "resources:\n  '*':\n    requests:\n      cpu: 100m\n      memory: 200Mi\n"
        "zz_generated_metadata:\n  branch: main\n  org: extraorg\n  repo: streamer\n"
    ),
    "ci-operator/config/extraorg/importer/extraorg-importer-main.yaml": (
        "build_root:\n  from_repository: true\nreleases:\n  latest:\n    integration:\n"
        "      name: \"9.9\"\n      namespace: extra\nresources:\n  '*':\n    requests:\n"
        "      cpu: 100m\n      memory: 200Mi\ntests:\n- as: unit\n  commands: make test\n"
        "  container:\n    from: src\nzz_generated_metadata:\n  branch: main\n  org: extraorg\n"
        "  repo: importer\n"
    ),
}


def _git(root: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-c", "user.email=t@e", "-c", "user.name=t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return out.stdout.decode()


# --------------------------------------------------------------------------------------------
# the tree, its base run and a warm cache
# --------------------------------------------------------------------------------------------


class Tree:
    def __init__(self, root: Path, base: Counter, cache: Path, work: Path) -> None:
        self.root = root
        self.base = base  # identities of a full run at HEAD
        self.cache = cache  # warmed by a full run at HEAD, copied for each case
        self.work = work
        self.cases = 0

    def reset(self) -> None:
        _git(self.root, "reset", "-q", "--hard", "HEAD")
        _git(self.root, "clean", "-fdq")

    def fresh_cache(self) -> Path:
        self.cases += 1
        copy = self.work / f"cache-{self.cases}"
        shutil.copytree(self.cache, copy)
        return copy


def _identities(root: Path) -> Counter:
    findings = run_check(load_settings(root, None), None, RunOptions(jobs=1, cache_dir=None))
    return Counter(f.identity() for f in findings.findings)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    work = tmp_path_factory.mktemp("change")
    root = work / "tree"
    generate_tree.generate(root, CONFIGS, TREE_SEED, 1)
    generate_tree.generate(work / "clean", CONFIGS, TREE_SEED, 0)  # for repairing faults
    for path, text in EXTRAS.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    at_head = work / "head"
    _git(root, "worktree", "add", "-q", "--detach", str(at_head), "HEAD")
    try:
        base = _identities(at_head)
    finally:
        _git(root, "worktree", "remove", "--force", str(at_head))
    assert base == _identities(root)  # the worktree and the tree agree before any edit
    rules = {identity[0] for identity in base}
    assert len(rules) > 15, rules  # findings of (nearly) every rule
    tags: dict[str, list[str]] = {}
    for code, _, tag, _ in sorted(base):
        if tag and tag not in tags.setdefault(code, []):
            tags[code].append(tag)
    (work / "base-tags.json").write_text(json.dumps(tags))  # for edits aiming at findings
    cache = work / "cache-template"
    run_check(load_settings(root, None), None, RunOptions(jobs=1, cache_dir=cache))
    return Tree(root, base, cache, work)


# --------------------------------------------------------------------------------------------
# edits (text manipulation, in the generator's yaml.v2 style)
# --------------------------------------------------------------------------------------------


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _configs(root: Path) -> list[Path]:
    return sorted((root / "ci-operator/config").rglob("*.yaml"))


def _block(text: str, key: str) -> re.Match | None:
    """A top-level `key:` with its indented lines."""
    return re.search(rf"(?m)^{re.escape(key)}:\n(?:(?: .*)?\n)*", text)


def _consumed_tags(root: Path) -> list[tuple[str, str, str]]:
    """(namespace, name, tag) of every base image and from_image of the tree (all are satisfied
    at HEAD: promoted, mirrored or covered by an artImages rule)."""
    found = set()
    pattern = re.compile(
        r"(?m)^(\s+)name: \"?([^\"\n]+)\"?\n\1namespace: (\S+)\n\1tag: \"?([^\"\n]+)\"?$"
    )
    for path in [*_configs(root), *(root / "ci-operator/step-registry").rglob("*-ref.yaml")]:
        for m in pattern.finditer(_read(path)):
            found.add((m.group(3), m.group(2), m.group(4)))
    return sorted(found)


def _promoted_by(text: str) -> set[tuple[str, str, str]]:
    """(namespace, name, image) of the name-mode promotions of the images a config builds."""
    found = set()
    promotion = _block(text, "promotion")
    images = _block(text, "images")
    if not promotion or not images:
        return found
    built = re.findall(r"(?m)^(?:    |  - )to: (\S+)$", images.group(0))
    for m in re.finditer(
        r"(?m)^  - name: \"?([^\"\n]+)\"?\n    namespace: (\S+)$", promotion.group(0)
    ):
        for image in built:
            found.add((m.group(2), m.group(1), image))
    return found


def _promoted_tags(root: Path) -> list[tuple[str, str, str]]:
    return sorted(set().union(*(_promoted_by(_read(p)) for p in _configs(root))))


def _finding_tags(root: Path) -> list[tuple[str, str, str]]:
    """(namespace, name, tag) of the tags the base run has findings about (unproduced,
    disabled, only covered by artImages...), from the file the fixture writes."""
    found = []
    for tags in json.loads(_read(root.parent / "base-tags.json")).values():
        for ist in tags:
            m = re.fullmatch(r"([^/]+)/([^:]+):(.+)", ist)
            if m:
                found.append((m.group(1), m.group(2), m.group(3)))
    return sorted(set(found))


def _quoted(value: str) -> str:
    return f'"{value}"' if re.fullmatch(r"[0-9.]+", value) else value


def delete_promotion(root: Path, rng: random.Random) -> str:
    candidates = [p for p in _configs(root) if _block(_read(p), "promotion")]
    if rng.random() < 0.7:  # mostly one whose tags some config pulls
        consumed = set(_consumed_tags(root))
        candidates = [p for p in candidates if _promoted_by(_read(p)) & consumed] or candidates
    path = rng.choice(candidates)
    text = _read(path)
    m = _block(text, "promotion")
    _write(path, text[: m.start()] + text[m.end() :])
    return f"delete the promotion stanza of {_rel(root, path)}"


def disable_promotion(root: Path, rng: random.Random) -> str:
    candidates = []
    for path in _configs(root):
        m = _block(_read(path), "promotion")
        if m and "disabled: true" not in m.group(0):
            candidates.append(path)
    path = rng.choice(candidates)
    text = _read(path)
    m = _block(text, "promotion")
    block = m.group(0)
    items = [i.start() for i in re.finditer(r"(?m)^  - ", block)]
    if "\n  to:\n" in block and items:
        at = rng.choice(items)
        block = block[:at] + "  - disabled: true\n    " + block[at + 4 :]
        what = f"item {items.index(at)}"
    else:
        block = "promotion:\n  disabled: true\n" + block[len("promotion:\n") :]
        what = "the stanza"
    _write(path, text[: m.start()] + block + text[m.end() :])
    return f"set disabled: true on the promotion target ({what}) of {_rel(root, path)}"


def delete_config(root: Path, rng: random.Random) -> str:
    path = rng.choice(_configs(root))
    path.unlink()
    return f"delete {_rel(root, path)}"


def add_config(root: Path, rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.3:
        # a copy of a promoting config under another variant: duplicate promotions elsewhere
        candidates = [p for p in _configs(root) if _block(_read(p), "promotion")]
        source = rng.choice(candidates)
        text = _read(source)
        meta = _block(text, "zz_generated_metadata")
        if meta is None:
            return add_config(root, rng)
        variant = f"copy{rng.randrange(100)}"
        body = meta.group(0)
        if "  variant: " in body:
            body = re.sub(r"(?m)^  variant: (\S+)$", rf"  variant: \1-{variant}", body)
            old = re.search(r"(?m)^  variant: (\S+)$", meta.group(0)).group(1)
            name = source.name.replace(f"__{old}.yaml", f"__{old}-{variant}.yaml")
        else:
            body += f"  variant: {variant}\n"
            name = source.name[: -len(".yaml")] + f"__{variant}.yaml"
        target = source.with_name(name)
        _write(target, text[: meta.start()] + body + text[meta.end() :])
        return f"copy {_rel(root, source)} to {_rel(root, target)}"
    if choice < 0.45:
        namespace, name, tag = rng.choice(_consumed_tags(root))
        what = "a consumed tag"
    elif choice < 0.55 and (promoted := _promoted_tags(root)):
        namespace, name, tag = rng.choice(promoted)
        what = "a promoted tag"
    elif choice < 0.85:
        namespace, name, tag = rng.choice(_finding_tags(root))
        what = "a tag the base has findings about"
    else:
        namespace, name, tag = rng.choice(
            [("ocp", "4.17", "no-such-image"), ("nowhere", "thing", "latest"), ("ci", "x", "1")]
        )
        what = "a tag nobody produces"
    repo = f"newrepo{rng.randrange(1000)}"
    target = root / f"ci-operator/config/neworg/{repo}/neworg-{repo}-main.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    _write(
        target,
        "base_images:\n"
        "  consumed:\n"
        f"    name: {_quoted(name)}\n"
        f"    namespace: {namespace}\n"
        f"    tag: {_quoted(tag)}\n"
        "build_root:\n"
        "  from_repository: true\n"
        "resources:\n"
        "  '*':\n"
        "    requests:\n"
        "      cpu: 100m\n"
        "      memory: 200Mi\n"
        "tests:\n"
        "- as: unit\n"
        "  commands: make test\n"
        "  container:\n"
        "    from: src\n"
        "zz_generated_metadata:\n"
        "  branch: main\n"
        "  org: neworg\n"
        f"  repo: {repo}\n",
    )
    return f"add {_rel(root, target)} consuming {what} {namespace}/{name}:{tag}"


def change_base_image(root: Path, rng: random.Random) -> str:
    candidates = []
    for path in _configs(root):
        m = _block(_read(path), "base_images")
        if m and re.search(r"(?m)^    tag: ", m.group(0)):
            candidates.append(path)
    path = rng.choice(candidates)
    text = _read(path)
    m = _block(text, "base_images")
    block = m.group(0)
    tags = list(re.finditer(r"(?m)^    tag: (.*)$", block))
    line = rng.choice(tags)
    consumed = _consumed_tags(root)
    if rng.random() < 0.7:
        new = rng.choice(consumed)[2]
    else:
        new = rng.choice(["nope", "rhel-9-golang-9.99-openshift-9.9", "latest"])
    block = block[: line.start()] + f"    tag: {_quoted(new)}" + block[line.end() :]
    _write(path, text[: m.start()] + block + text[m.end() :])
    return f"base_images tag {line.group(1)} -> {new} in {_rel(root, path)}"


MIRROR_CONFIG = "core-services/image-mirroring/_config.yaml"


def delete_supplemental(root: Path, rng: random.Random) -> str:
    path = root / MIRROR_CONFIG
    text = _read(path)
    m = _block(text, "supplementalCIImages")
    entries = list(re.finditer(r"(?m)^  (\S.*):\n(?:    .*\n)*", m.group(0)))
    if rng.random() < 0.7:  # mostly one some config pulls
        consumed = {f"{ns}/{name}:{tag}" for ns, name, tag in _consumed_tags(root)}
        entries = [e for e in entries if e.group(1) in consumed] or entries
    entry = rng.choice(entries)
    block = m.group(0)[: entry.start()] + m.group(0)[entry.end() :]
    _write(path, text[: m.start()] + block + text[m.end() :])
    return f"delete supplementalCIImages {entry.group(1)} from {MIRROR_CONFIG}"


def _narrowed(regex: str, rng: random.Random) -> str:
    if ".*" in regex:
        return regex.replace(".*", rng.choice(["9.*", "-x.*", "", "9"]), 1)
    if r"\d+" in regex:
        return regex.replace(r"\d+", rng.choice(["4", r"1\d", "5"]), 1)
    if regex.endswith("$"):
        return regex[:-1] + rng.choice(["-none$", "9$"])
    return regex + "-none"


def narrow_art(root: Path, rng: random.Random) -> str:
    path = root / MIRROR_CONFIG
    text = _read(path)
    key = re.search(r"(?m)^artImages:\n", text)
    # a top-level list in yaml.v2 style: its items follow the key at column 0
    items = re.compile(r"(?:- .*\n(?:  .*\n)*)*").match(text, key.end())
    rules = list(re.finditer(r"(?m)^- .*\n(?:  .*\n)*", items.group(0)))
    rule = rng.choice(rules)
    shown = " ".join(rule.group(0).split())
    if rng.random() < 0.2:
        new = ""
        what = f"remove artImages rule {shown!r}"
    else:
        fields = list(re.finditer(r"(?m)^(- |  )(name|tag): (.*)$", rule.group(0)))
        field = rng.choice(fields)
        regex = _narrowed(field.group(3), rng)
        new = (
            rule.group(0)[: field.start()]
            + f"{field.group(1)}{field.group(2)}: {regex}"
            + rule.group(0)[field.end() :]
        )
        what = f"artImages rule {shown!r}: {field.group(2)} {field.group(3)} -> {regex}"
    start = items.start() + rule.start()
    _write(path, text[:start] + new + text[items.start() + rule.end() :])
    return what


def _refs(root: Path) -> list[Path]:
    return sorted((root / "ci-operator/step-registry").rglob("*-ref.yaml"))


def ref_from_image(root: Path, rng: random.Random) -> str:
    with_image = [p for p in _refs(root) if "from_image:" in _read(p)]
    path = rng.choice(with_image)
    text = _read(path)
    m = re.search(r"(?m)^  from_image:\n    name: (.*)\n    namespace: (.*)\n    tag: (.*)\n", text)
    assert m, path
    roll = rng.random()
    if roll < 0.5:
        namespace, name, tag = rng.choice(_consumed_tags(root))
    elif roll < 0.75:
        namespace, name, tag = m.group(2), m.group(1), "no-such-tag"
    else:
        namespace, name, tag = rng.choice([("ci", "nothing", "latest"), ("ocp", "4.17", "absent")])
    new = (
        f"  from_image:\n    name: {_quoted(name)}\n    namespace: {namespace}\n"
        f"    tag: {_quoted(tag)}\n"
    )
    _write(path, text[: m.start()] + new + text[m.end() :])
    old = f"{m.group(2)}/{m.group(1)}:{m.group(3)}"
    return f"from_image {old} -> {namespace}/{name}:{tag} in {_rel(root, path)}"


def remove_ref(root: Path, rng: random.Random) -> str:
    everything = [
        *(root / "ci-operator/step-registry").rglob("*.yaml"),
        *_configs(root),
    ]
    texts = "\n".join(_read(p) for p in everything)
    used = [p for p in _refs(root) if f"ref: {p.name[: -len('-ref.yaml')]}\n" in texts]
    chains = sorted((root / "ci-operator/step-registry").rglob("*-chain.yaml"))
    used_chains = [p for p in chains if f"chain: {p.name[: -len('-chain.yaml')]}\n" in texts]
    if used_chains and rng.random() < 0.25:
        path = rng.choice(used_chains)
        path.unlink()
        return f"remove the used chain {_rel(root, path)}"
    path = rng.choice(used)
    path.unlink()
    what = f"remove the used ref {_rel(root, path)}"
    commands = path.with_name(path.name.replace("-ref.yaml", "-commands.sh"))
    if commands.exists() and rng.random() < 0.5:
        commands.unlink()
        what += " and its commands"
    return what


def _mirror_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "clusters").rglob("*.yaml") if "Mirror" in _read(p))


def edit_mirrors(root: Path, rng: random.Random) -> str:
    path = rng.choice(_mirror_files(root))
    text = _read(path)
    entries = list(re.finditer(r"(?m)^  - mirrors:\n((?:    - .*\n)+)((?:    (?!- ).*\n)*)", text))
    entry = rng.choice(entries)
    mirrors = entry.group(1).splitlines(keepends=True)
    roll = rng.random()
    if roll < 0.3 and len(mirrors) > 1:
        new = "  - mirrors:\n" + "".join(reversed(mirrors)) + entry.group(2)
        what = "reverse the mirrors of"
    elif roll < 0.55 and len(mirrors) > 1:
        drop = rng.randrange(len(mirrors))
        kept = mirrors[:drop] + mirrors[drop + 1 :]
        new = "  - mirrors:\n" + "".join(kept) + entry.group(2)
        what = f"drop mirror {mirrors[drop].strip()} of"
    elif roll < 0.7 and "mirrorSourcePolicy" in entry.group(2):
        rest = re.sub(r"(?m)^    mirrorSourcePolicy: .*\n", "", entry.group(2))
        new = "  - mirrors:\n" + entry.group(1) + rest
        what = "drop mirrorSourcePolicy of"
    elif roll < 0.85:
        new = ""
        what = "remove the entry"
    else:
        shuffled = mirrors[:]
        rng.shuffle(shuffled)
        extra = "    - registry.example.com/extra/mirror\n" if rng.random() < 0.5 else ""
        new = "  - mirrors:\n" + "".join(shuffled) + extra + entry.group(2)
        what = "shuffle (maybe extend) the mirrors of"
    source = re.search(r"source: (\S+)", entry.group(2))
    text = text[: entry.start()] + new + text[entry.end() :]
    # an emptied list would be a schema finding of its own; fine, it is an edit like another
    _write(path, text)
    return f"{what} {source.group(1) if source else '?'} in {_rel(root, path)}"


def _inputs(root: Path) -> list[str]:
    result = run_check(load_settings(root, None), None, RunOptions(jobs=1, cache_dir=None))
    return sorted(f.path for f in result.inventory.files)


def rename_file(root: Path, rng: random.Random) -> str:
    paths = _inputs(root)
    old = rng.choice(paths)
    source = root / old
    roll = rng.random()
    if old.startswith("ci-operator/config/") and roll < 0.35:
        # same folder, another branch: the metadata no longer matches, findings move
        target = source.with_name(source.name.replace(".yaml", "-renamed.yaml"))
    elif old.startswith("ci-operator/step-registry/") and roll < 0.35:
        target = source.parent.parent / source.name  # one folder up
    elif roll < 0.5:
        target = source.with_name(source.name + ".bak")  # no longer an input
    elif roll < 0.65:
        # into the folder of another kind of input
        folder = rng.choice(
            [
                "ci-operator/config/openshift/installer",
                "ci-operator/step-registry/ipi/conf",
                "clusters/build-clusters/build05",
                "core-services/image-mirroring/openshift",
                "ci-operator/config/openshift",
            ]
        )
        target = root / folder / source.name
        if target.exists():
            target = target.with_name("moved-" + source.name)
    else:
        target = source.with_name("x" + source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    source.rename(target)
    return f"rename {old} to {_rel(root, target)}"


def exotic(root: Path, rng: random.Random) -> str:
    """Symlinks, swapped contents, an empty file, CRLF line ends, a byte order mark."""
    paths = _inputs(root)
    roll = rng.random()
    old = rng.choice(paths)
    path = root / old
    if roll < 0.2:
        other = rng.choice([p for p in paths if p != old and p.endswith(".yaml")])
        path.unlink()
        path.symlink_to(Path(os.path.relpath(root / other, path.parent)))
        return f"replace {old} by a symlink to {other}"
    if roll < 0.4:
        same_kind = [p for p in paths if p.split("/")[0] == old.split("/")[0] and p != old]
        other = root / rng.choice(same_kind)
        a, b = path.read_bytes(), other.read_bytes()
        path.write_bytes(b)
        other.write_bytes(a)
        return f"swap the bytes of {old} and {_rel(root, other)}"
    if roll < 0.55:
        path.write_bytes(b"")
        return f"empty {old}"
    if roll < 0.75:
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
        return f"CRLF line ends in {old}"
    if roll < 0.9:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        return f"a byte order mark at the top of {old}"
    path.chmod(0o755)
    return f"make {old} executable"


def blank_top(root: Path, rng: random.Random) -> str:
    """Blank and comment lines at the top of a few files (of any kind): nothing is introduced."""
    done = []
    picked = rng.sample(_inputs(root), rng.randint(1, 4))
    faults = [f["path"] for f in json.loads(_read(root / ".faults.json"))]
    faulted = rng.choice([f for f in faults if (root / f).exists()])
    if rng.random() < 0.6 and faulted not in picked:  # a file with findings, often
        picked.append(faulted)
    for old in picked:
        path = root / old
        text = _read(path)
        lines = rng.randint(1, 3)
        if path.suffix in (".yaml", ".yml", ".sh"):
            head = "".join(rng.choice(["\n", "# a comment\n", "#\n"]) for _ in range(lines))
        else:  # JSON and mapping files: blank lines only
            head = "\n" * lines
        if path.suffix == ".sh" and text.startswith("#!"):
            first, _, rest = text.partition("\n")
            _write(path, first + "\n" + head + rest)
            done.append(f"{head!r} after the shebang of {old}")
        else:
            _write(path, head + text)
            done.append(f"{head!r} at the top of {old}")
    return "insert " + "; ".join(done)


def _promotion_configs(root: Path) -> list[Path]:
    return [p for p in _configs(root) if _block(_read(p), "promotion")]


def edit_promotion(root: Path, rng: random.Random) -> str:
    """Another target, excluded images, tag mode, enabling a disabled one."""
    paths = _promotion_configs(root)
    path = rng.choice(paths)
    text = _read(path)
    m = _block(text, "promotion")
    block = m.group(0)
    streams = sorted(
        {
            (sm.group(2), sm.group(1))
            for p in paths
            for sm in re.finditer(r"(?m)^    name: (.*)\n    namespace: (.*)$", _read(p))
        }
    )
    roll = rng.random()
    if roll < 0.25 and "disabled: true" in block:
        block = re.sub(r"(?m)^  - disabled: true\n    ", "  - ", block)
        block = re.sub(r"(?m)^    disabled: true\n", "", block)
        block = re.sub(r"(?m)^  disabled: true\n", "", block)
        what = "enable the disabled promotion"
    elif roll < 0.5 and (
        names := list(re.finditer(r"(?m)^    name: (.*)\n    namespace: (.*)$", block))
    ):
        target = rng.choice(names)
        namespace, name = rng.choice(streams)
        block = (
            block[: target.start()]
            + f"    name: {name}\n    namespace: {namespace}"
            + block[target.end() :]
        )
        what = f"promote to {namespace}/{name} instead of {target.group(2)}/{target.group(1)}"
    elif roll < 0.7:
        images = _block(text, "images")
        built = re.findall(r"(?m)^(?:    |  - )to: (\S+)$", images.group(0)) if images else []
        items = [i.start() for i in re.finditer(r"(?m)^  - ", block)]
        if not built or not items or "\n  to:\n" not in block:
            return add_supplemental(root, rng)
        image = rng.choice(built)
        at = rng.choice(items)
        block = block[:at] + f"  - excluded_images:\n    - {image}\n    " + block[at + 4 :]
        what = f"exclude {image} from a promotion"
        if block.count("excluded_images:") > 1 and "excluded_images:\n    - " in block:
            # two excluded_images keys in one item would be a duplicate key: keep it simple
            block = m.group(0)
            block = re.sub(r"(?m)^    excluded_images:\n(?:    - .*\n)*", "", block)
            block = re.sub(r"(?m)^  - excluded_images:\n(?:    - .*\n)*    ", "  - ", block)
            what = "drop the excluded_images of a promotion"
    elif roll < 0.85:
        block = (
            "promotion:\n  to:\n  - namespace: ci\n    tag: "
            + rng.choice(["latest", "ci", "5.0"])
            + "\n"
        )
        what = "promote in tag mode into ci"
    else:
        images = _block(text, "images")
        built = list(re.finditer(r"(?m)^(    |  - )to: (\S+)$", images.group(0))) if images else []
        if not built:
            return delete_promotion(root, rng)
        one = rng.choice(built)
        new_name = rng.choice(["renamed-image", one.group(2) + "-x", "tests"])
        body = images.group(0)
        body = body[: one.start()] + f"{one.group(1)}to: {new_name}" + body[one.end() :]
        _write(path, text[: images.start()] + body + text[images.end() :])
        return f"rename the built image {one.group(2)} -> {new_name} in {_rel(root, path)}"
    _write(path, text[: m.start()] + block + text[m.end() :])
    return f"{what} in {_rel(root, path)}"


def add_supplemental(root: Path, rng: random.Random) -> str:
    path = root / MIRROR_CONFIG
    text = _read(path)
    m = _block(text, "supplementalCIImages")
    roll = rng.random()
    if roll < 0.4 and (promoted := _promoted_tags(root)):
        namespace, name, tag = rng.choice(promoted)
        what = "a promoted tag"
    elif roll < 0.7:
        namespace, name, tag = rng.choice(_consumed_tags(root))
        what = "a consumed tag"
    elif roll < 0.85:
        namespace, name, tag = rng.choice(_finding_tags(root))
        what = "a tag the base has findings about"
    else:
        namespace, name, tag = "ci", "a" * 60, "b" * 60
        what = "a too long tag"
    key = f"{namespace}/{name}:{tag}"
    entry = f"  {key}:\n    image: quay.io/example/{name}:{tag}\n"
    entries = [e.start() for e in re.finditer(r"(?m)^  \S", m.group(0))]
    at = m.start() + rng.choice(entries)
    _write(path, text[:at] + entry + text[at:])
    return f"add supplementalCIImages {key} ({what})"


def widen_art(root: Path, rng: random.Random) -> str:
    path = root / MIRROR_CONFIG
    text = _read(path)
    key = re.search(r"(?m)^artImages:\n", text)
    rule = rng.choice(
        [
            "- namespace: ocp\n  name: .*\n",
            "- namespace: ci\n  name: ^prow-.*\n",
            "- namespace: ocp\n  name: ^\\d+\\.\\d+$\n  tag: ^etcd$\n",
            "- namespace: stolostron\n  name: .*\n  tag: .*\n",
            "- namespace: openshift\n  name: ^release$\n",  # the same as another rule
        ]
    )
    _write(path, text[: key.end()] + rule + text[key.end() :])
    return f"add artImages rule {' '.join(rule.split())!r}"


def edit_registry(root: Path, rng: random.Random) -> str:
    registry = root / "ci-operator/step-registry"
    chains = sorted(registry.rglob("*-chain.yaml"))
    roll = rng.random()
    if roll < 0.3:
        path = rng.choice(chains)
        text = _read(path)
        steps = list(re.finditer(r"(?m)^  - (ref|chain): (\S+)$", text))
        step = rng.choice(steps)
        new = rng.choice([step.group(2) + "-typo", step.group(2)[:-1]])
        _write(path, text[: step.start()] + f"  - {step.group(1)}: {new}" + text[step.end() :])
        return f"{step.group(1)} {step.group(2)} -> {new} in {_rel(root, path)}"
    if roll < 0.5:
        # a cycle: a chain that (through a chain it uses, or directly) includes itself
        path = rng.choice(chains)
        text = _read(path)
        own = re.search(r"(?m)^  as: (\S+)$", text).group(1)
        inner = re.findall(r"(?m)^  - chain: (\S+)$", text)
        if inner and rng.random() < 0.6:
            target = next(c for c in chains if c.name == f"{inner[0]}-chain.yaml")
            body = _read(target)
            body = body.replace("  steps:\n", f"  steps:\n  - chain: {own}\n", 1)
            _write(target, body)
            return f"chain {inner[0]} includes {own} (a cycle through {_rel(root, path)})"
        _write(path, text.replace("  steps:\n", f"  steps:\n  - chain: {own}\n", 1))
        return f"chain {own} includes itself in {_rel(root, path)}"
    if roll < 0.75:
        refs = _refs(root)
        path = rng.choice(refs)
        text = _read(path)
        m = re.search(r"(?m)^  as: (\S+)$", text)
        new = m.group(1) + rng.choice(["-renamed", "x"])
        _write(path, text[: m.start()] + f"  as: {new}" + text[m.end() :])
        return f"ref as: {m.group(1)} -> {new} in {_rel(root, path)}"
    # a test of a config switches workflow, or names a missing one
    configs = [p for p in _configs(root) if re.search(r"(?m)^    workflow: ", _read(p))]
    path = rng.choice(configs)
    text = _read(path)
    uses = list(re.finditer(r"(?m)^    workflow: (\S+)$", text))
    use = rng.choice(uses)
    workflows = sorted(p.name[: -len("-workflow.yaml")] for p in registry.rglob("*-workflow.yaml"))
    new = rng.choice([*workflows, "no-such-workflow", use.group(1) + "s"])
    _write(path, text[: use.start()] + f"    workflow: {new}" + text[use.end() :])
    return f"workflow {use.group(1)} -> {new} in {_rel(root, path)}"


def break_or_fix(root: Path, rng: random.Random) -> str:
    """Make a producing config unparsable (its facts vanish), or repair a faulted file (its
    bytes in the tree generated without faults, next to this one)."""
    clean = root.parent / "clean"
    roll = rng.random()
    if roll < 0.5 and clean.is_dir():
        faults = json.loads(_read(root / ".faults.json"))
        fault = rng.choice([f for f in faults if (clean / f["path"]).exists()])
        (root / fault["path"]).write_bytes((clean / fault["path"]).read_bytes())
        return f"repair the {fault['rule']} fault in {fault['path']}"
    path = rng.choice(_promotion_configs(root))
    text = _read(path)
    kind = rng.choice(["tab", "duplicate", "latin1", "empty"])
    if kind == "tab":
        text = text.replace("\npromotion:\n  ", "\npromotion:\n\t", 1)
    elif kind == "duplicate":
        m = _block(text, "promotion")
        text = text[: m.end()] + m.group(0) + text[m.end() :]
    elif kind == "latin1":
        text = "# caf\udce9\n" + text  # a Latin-1 é
    else:
        text = "# nothing here\n"
    _write(path, text)
    return f"break ({kind}) {_rel(root, path)}"


def edit_clusters(root: Path, rng: random.Random) -> str:
    clusters = root / "clusters/build-clusters"
    roll = rng.random()
    if roll < 0.25:
        name = f"build{rng.randrange(60, 99)}"
        (clusters / name).mkdir()
        source = clusters / "build01/namespace.yaml"
        _write(clusters / name / "namespace.yaml", _read(source))
        if rng.random() < 0.5:
            _write(
                clusters / name / "qci-image_mirror.yaml",
                _read(clusters / "build01/qci-image_mirror.yaml"),
            )
            return f"add cluster {name} with a namespace and build01's mirror sets"
        return f"add cluster {name} with only a namespace"
    manifests = sorted(p for p in clusters.rglob("*.yaml"))
    if roll < 0.55:
        path = rng.choice(manifests)
        path.unlink()
        return f"delete {_rel(root, path)}"
    if roll < 0.8:
        source, target = rng.sample(_mirror_files(root), 2)
        _write(target, _read(source))
        return f"copy {_rel(root, source)} over {_rel(root, target)}"
    path = rng.choice(_mirror_files(root))
    text = _read(path)
    docs = text.split("---\n")
    if len(docs) > 1:
        drop = rng.randrange(1, len(docs))
        del docs[drop]
        _write(path, "---\n".join(docs))
        return f"drop document {drop} of {_rel(root, path)}"
    path.unlink()
    return f"delete {_rel(root, path)}"


def edit_mapping(root: Path, rng: random.Random) -> str:
    mappings = sorted((root / "core-services/image-mirroring").rglob("mapping_*"))
    path = rng.choice(mappings)
    lines = _read(path).splitlines(keepends=True)
    roll = rng.random()
    if roll < 0.3 and lines:
        drop = rng.randrange(len(lines))
        what = f"drop mapping line {lines[drop].split()[0] if lines[drop].split() else ''}"
        del lines[drop]
    elif roll < 0.6:
        # a QCI source is a consumer: of a produced tag, or of one nobody produces
        namespace, name, tag = rng.choice(
            [*_consumed_tags(root)[:5], ("ci", "nothing-here", "latest"), ("ocp", "4.17", "gone")]
        )
        source = f"quay-proxy.ci.openshift.org/openshift/ci:{namespace}_{name}_{tag}"
        lines.append(f"{source} quay.io/x/y:z\n")
        what = f"mirror out {namespace}/{name}:{tag}"
    else:
        # an app.ci target is a producer: of a tag the base run has findings about, mostly
        choices = _finding_tags(root) if rng.random() < 0.7 else _consumed_tags(root)
        namespace, name, tag = rng.choice(choices)
        lines.append(f"quay.io/x/{name}:{tag} registry.ci.openshift.org/{namespace}/{name}:{tag}\n")
        what = f"mirror into app.ci {namespace}/{name}:{tag}"
    _write(path, "".join(lines))
    return f"{what} in {_rel(root, path)}"


def use_unused(root: Path, rng: random.Random) -> str:
    """Reach registry elements nothing used (their findings appear in unchanged files), or cut
    the only path to one (its finding is fixed there)."""
    registry = root / "ci-operator/step-registry"
    roll = rng.random()
    if roll < 0.3:
        configs = [p for p in _configs(root) if re.search(r"(?m)^    workflow: ", _read(p))]
        path = rng.choice(configs)
        text = _read(path)
        use = rng.choice(list(re.finditer(r"(?m)^    workflow: (\S+)$", text)))
        _write(path, text[: use.start()] + "    workflow: extra" + text[use.end() :])
        return f"workflow {use.group(1)} -> extra in {_rel(root, path)}"
    if roll < 0.55:
        chains = [p for p in registry.rglob("*-chain.yaml") if "/extra/" not in p.as_posix()]
        path = rng.choice(chains)
        step = rng.choice(["chain: extra-chain", "chain: extra-inner", "ref: extra-covered"])
        text = _read(path)
        _write(path, text.replace("  steps:\n", f"  steps:\n  - {step}\n", 1))
        return f"used chain {_rel(root, path)} gets {step}"
    if roll < 0.7:
        path = registry / "extra/used/extra-used-chain.yaml"
        _write(path, _read(path).replace("  - ref: extra-deep\n", "  - ref: extra-unused\n"))
        return "extra-used chain: extra-deep -> extra-unused"
    if roll < 0.85:
        path = root / "ci-operator/config/extraorg/extrarepo/extraorg-extrarepo-main.yaml"
        if rng.random() < 0.5:
            path.unlink()
            return f"delete {_rel(root, path)}, the only user of extra-deep"
        _write(path, _read(path).replace("workflow: extra-used", "workflow: extra"))
        return "the only user of extra-used switches to the unused workflow extra"
    path = registry / "extra/inner/extra-inner-chain.yaml"
    _write(path, _read(path).replace("  - ref: extra-unused\n", "  - chain: extra-used\n"))
    return "extra-inner uses extra-used instead of extra-unused"


def whole_stream(root: Path, rng: random.Random) -> str:
    """The only producer of the stream extra/9.9, which another config imports whole, goes
    (or another stream gets imported)."""
    streamer = root / "ci-operator/config/extraorg/streamer/extraorg-streamer-main.yaml"
    importer = root / "ci-operator/config/extraorg/importer/extraorg-importer-main.yaml"
    roll = rng.random()
    if roll < 0.2:
        streamer.unlink()
        return f"delete {_rel(root, streamer)}"
    if roll < 0.4:
        text = _read(streamer)
        _write(streamer, text.replace("  - name: ", "  - disabled: true\n    name: "))
        return "disable the promotion of extra/9.9"
    if roll < 0.6:
        _write(streamer, _read(streamer).replace('"9.9"', '"9.8"'))
        return "promote into extra/9.8 instead of extra/9.9"
    if roll < 0.8:
        _write(importer, _read(importer).replace('"9.9"', rng.choice(['"9.8"', '"4.17"'])))
        return "the importer imports another stream"
    text = _read(streamer)
    m = _block(text, "promotion")
    _write(streamer, text[: m.start()] + text[m.end() :])
    return "delete the promotion of extra/9.9"


POLICED = "quay-proxy.ci.openshift.org/openshift/ci"
CACHE = "qci-pull-through-cache-us-east-1-ci.apps.ci.l2s4.p1.openshiftapps.com/openshift/ci"


def shared_mirrors(root: Path, rng: random.Random) -> str:
    """Mirror sets in a file other clusters' findings depend on: the shared common/ folder, or
    a second manifest of one cluster."""
    target = rng.choice(
        [
            root / "clusters/build-clusters/common/icsp.yaml",
            root / "clusters/build-clusters/build25/tools-mirror.yaml",
            root / "clusters/build-clusters/common/policed-mirrors.yaml",
            root / "clusters/build-clusters/build21/zz-more.yaml",
        ]
    )
    order = rng.choice(
        [["quay.io/openshift/ci", CACHE], [CACHE, "quay.io/openshift/ci"], ["quay.io/openshift/ci"]]
    )
    kinds = rng.choice(
        [
            [("ImageDigestMirrorSet", "imageDigestMirrors")],
            [("ImageTagMirrorSet", "imageTagMirrors")],
            [
                ("ImageDigestMirrorSet", "imageDigestMirrors"),
                ("ImageTagMirrorSet", "imageTagMirrors"),
            ],
        ]
    )
    policy = "    mirrorSourcePolicy: NeverContactSource\n" if rng.random() < 0.2 else ""
    docs = [
        "apiVersion: config.openshift.io/v1\n"
        f"kind: {kind}\nmetadata:\n  name: extra-{field.lower()}\nspec:\n  {field}:\n"
        "  - mirrors:\n"
        + "".join(f"    - {m}\n" for m in order)
        + policy
        + f"    source: {POLICED}\n"
        for kind, field in kinds
    ]
    text = _read(target) if target.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    _write(target, text + ("---\n" if text else "") + "---\n".join(docs))
    what = " + ".join(k for k, _ in kinds)
    mirrors = ", ".join(order) + (", never contact" if policy else "")
    return f"add {what} for the policed source ({mirrors}) to {_rel(root, target)}"


EDITS: dict[str, Callable[[Path, random.Random], str]] = {
    "delete-promotion": delete_promotion,
    "disable-promotion": disable_promotion,
    "delete-config": delete_config,
    "add-config": add_config,
    "change-base-image": change_base_image,
    "delete-supplemental": delete_supplemental,
    "narrow-art": narrow_art,
    "ref-from-image": ref_from_image,
    "remove-ref": remove_ref,
    "edit-mirrors": edit_mirrors,
    "rename": rename_file,
    "blank-top": blank_top,
    "edit-promotion": edit_promotion,
    "add-supplemental": add_supplemental,
    "widen-art": widen_art,
    "edit-registry": edit_registry,
    "break-or-fix": break_or_fix,
    "edit-clusters": edit_clusters,
    "edit-mapping": edit_mapping,
    "exotic": exotic,
    "use-unused": use_unused,
    "shared-mirrors": shared_mirrors,
    "whole-stream": whole_stream,
}


def several(root: Path, rng: random.Random) -> str:
    kinds = rng.sample(sorted(EDITS), rng.randint(2, 6))
    return "; ".join(EDITS[kind](root, rng) for kind in kinds)


ALL_EDITS = {**EDITS, "several": several}


# --------------------------------------------------------------------------------------------
# the property
# --------------------------------------------------------------------------------------------


@pytest.fixture
def whole_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a change-aware run evaluated both ends whole: a partial run that falls
    back to it (a cache failure) would pass the property without testing the partial path."""
    from cilint.change import run as change_run

    calls = [0]
    original = getattr(change_run, "_whole", None)
    if original is not None:

        def counting(*args: object, **kwargs: object) -> object:
            calls[0] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(change_run, "_whole", counting)
    return calls


def _problems(root: Path, base: Counter, now: Counter, cache: Path | None) -> list[str]:
    """How one change-aware run of `root` against HEAD disagrees with the full runs."""
    want_new = now - base
    want_fixed = sum((base - now).values())
    run = compare_change(
        load_settings(root, None),
        head_base(root, repository_prefix(root)),
        RunOptions(jobs=1, cache_dir=cache),
    )
    got_new = Counter(run.now[i].identity() for i in run.new)
    mode = "partial" if cache else "whole"
    problems = [f"{mode}: MISSING x{n} {i}" for i, n in sorted((want_new - got_new).items())]
    problems += [f"{mode}: EXTRA x{n} {i}" for i, n in sorted((got_new - want_new).items())]
    if run.fixed != want_fixed:
        problems.append(f"{mode}: fixed {run.fixed}, the full runs say {want_fixed}")
    return problems


def _check(root: Path, base: Counter, cache: Path, whole_runs: list[int]) -> tuple[list, Counter]:
    """Both modes against the full runs; the identities of the full run now."""
    now = _identities(root)
    before = whole_runs[0]
    problems = _problems(root, base, now, cache)
    if whole_runs[0] != before:
        problems.append("partial: fell back to evaluating both ends whole")
    problems += _problems(root, base, now, None)
    return problems, now


CASES = [(kind, seed) for kind in EDITS for seed in range(SEEDS_PER_KIND)] + [
    ("several", seed) for seed in range(MULTI_SEEDS)
]


def _case_param(kind: str, seed: int) -> object:
    reason = KNOWN_MISMATCHES.get((kind, seed))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(kind, seed, id=f"{kind}-{seed}", marks=marks)


@pytest.mark.parametrize(("kind", "seed"), [_case_param(k, s) for k, s in CASES])
def test_change_run_agrees_with_two_full_runs(
    tree: Tree, whole_runs: list[int], kind: str, seed: int
) -> None:
    tree.reset()
    try:
        what = ALL_EDITS[kind](tree.root, random.Random(f"{kind}:{seed}"))
        _git(tree.root, "add", "-A")  # as pre-commit sees it: the change is staged
        cache = tree.fresh_cache()
        problems, now = _check(tree.root, tree.base, cache, whole_runs)
        shutil.rmtree(cache)
        if kind == "blank-top" and now != tree.base:
            problems.append("full runs: blank or comment lines at the top changed findings")
        assert not problems, f"edit: {what}\n" + "\n".join(problems)
    finally:
        tree.reset()


HISTORIES = 2
HISTORY_STEPS = 5


@pytest.mark.parametrize("seed", range(HISTORIES))
def test_change_runs_along_a_history(tree: Tree, whole_runs: list[int], seed: int) -> None:
    """The hook's life: one cache for every run (it keeps what each change-aware run analysed),
    edits that are sometimes committed (HEAD moves) and sometimes piled up."""
    root = tree.work / f"history-{seed}"
    shutil.copytree(tree.root, root, symlinks=True)
    cache = tree.work / f"history-cache-{seed}"
    run_check(load_settings(root, None), None, RunOptions(jobs=1, cache_dir=cache))
    rng = random.Random(f"history:{seed}")
    base, done = tree.base, []
    for _ in range(HISTORY_STEPS):
        kind = rng.choice(sorted(EDITS))
        done.append(ALL_EDITS[kind](root, rng))
        _git(root, "add", "-A")
        problems, now = _check(root, base, cache, whole_runs)
        assert not problems, "edits: " + " | ".join(done) + "\n" + "\n".join(problems)
        if rng.random() < 0.6:
            _git(root, "commit", "--allow-empty", "-qm", "step")
            base = now
            done.append("(commit)")
