#!/usr/bin/env python3
"""Build a benchmark tree from the real openshift/release files of the shared corpus.

    python bench/corpus_tree.py OUT_DIR --configs N [--shared PATH]

bench/generate_tree.py writes a synthetic tree in determinize's style; this one replicates the
~110 real files of `<shared>/corpus/openshift-release/` (MANIFEST.tsv lists them), so the mix of
YAML styles and of findings is that of the real repository, not of the generator:

- every file that is not a ci-operator config (step registry, clusters/, core-services/, the
  `*.yaml.j2` template and READMEs) is copied once, at its own path;
- the ci-operator configs (`.yaml`/`.yml` files under `ci-operator/config/`) are copied until the
  tree holds N of them: copy 0 at its original path, copy k >= 1 of
  `ci-operator/config/<org>/<repo>/<org>-<repo>-<rest>` at
  `ci-operator/config/<org>-r<k>/<repo>/<org>-r<k>-<repo>-<rest>`, so that the path stays
  consistent with cilint's file-name rule (a file whose name does not start with `<org>-<repo>-`,
  misnamed in the corpus, keeps its name and stays misnamed). The last round takes the first
  configs in path order until N is reached; N below the corpus' count takes the first N.

Every file's bytes are those of the corpus file, unchanged. So each copy k >= 1 of a config with
`zz_generated_metadata` disagrees with its path's org (one `metadata-mismatch` each), and copies
of a promoting config promote the same tags again (`duplicate-promotion`): both are part of the
mix this tree measures.

Same arguments, same tree (paths are taken in sorted order). A `.complete` marker is written at
the end (as bench/bench_scale.py's `tree()` expects); when OUT_DIR already holds a complete tree
of the same N from the same corpus, nothing is regenerated. An OUT_DIR that is not empty and not
an earlier corpus tree is refused rather than overwritten.

The shared folder is `$CILINT_SHARED` when set, else `shared` next to the repository's folder
(`<repo>/../shared`), as tests/conftest.py finds it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path("corpus") / "openshift-release"
CONFIG_FOLDER = "ci-operator/config/"
STARTED = ".corpus-tree"  # written first: marks OUT_DIR as ours, so it may be replaced
COMPLETE = ".complete"


def default_shared() -> Path:
    """`$CILINT_SHARED`, else `shared` next to the repository folder (as tests/conftest.py)."""
    return Path(os.environ.get("CILINT_SHARED", REPO.parent / "shared")).resolve()


def corpus_files(corpus: Path) -> tuple[list[str], list[str]]:
    """(configs, others): root-relative "/"-separated paths, sorted; MANIFEST.tsv left out."""
    configs: list[str] = []
    others: list[str] = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(corpus).as_posix()
        if relative == "MANIFEST.tsv":
            continue
        is_config = relative.startswith(CONFIG_FOLDER) and relative.endswith((".yaml", ".yml"))
        (configs if is_config else others).append(relative)
    return sorted(configs), sorted(others)


def copy_path(relative: str, k: int) -> str:
    """Where copy `k` of the config at `relative` goes (copy 0 stays where it is)."""
    if k == 0:
        return relative
    org, repo, *rest = relative[len(CONFIG_FOLDER) :].split("/")
    new_org = f"{org}-r{k}"
    if rest and rest[-1].startswith(f"{org}-{repo}-"):
        rest[-1] = f"{new_org}-{repo}-" + rest[-1][len(f"{org}-{repo}-") :]
    return CONFIG_FOLDER + "/".join([new_org, repo, *rest])


def _stamp(configs: int, corpus: Path) -> str:
    return f"corpus_tree configs={configs} corpus={corpus}\n"


def corpus_tree(out: Path, configs: int, shared: Path | None = None) -> Path:
    """Write the corpus tree with `configs` ci-operator configs into `out`; returns `out`."""
    if configs < 1:
        raise ValueError("configs must be at least 1")
    corpus = (shared if shared is not None else default_shared()).resolve() / CORPUS
    if not corpus.is_dir():
        raise FileNotFoundError(
            f"the shared corpus is not at {corpus} (set CILINT_SHARED or pass --shared)"
        )
    stamp = _stamp(configs, corpus)
    marker = out / COMPLETE
    if marker.is_file() and marker.read_text() == stamp:
        return out
    if out.exists() and any(out.iterdir()):
        if not (out / STARTED).is_file():
            raise FileExistsError(f"{out} is not empty and not a corpus tree: not replacing it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / STARTED).write_text(stamp)

    config_paths, other_paths = corpus_files(corpus)
    if not config_paths:
        raise FileNotFoundError(f"no ci-operator configs under {corpus / CONFIG_FOLDER}")
    targets: dict[str, str] = {}  # tree path -> corpus path
    for relative in other_paths:
        targets[relative] = relative
    for index in range(configs):
        k, i = divmod(index, len(config_paths))
        source = config_paths[i]
        target = copy_path(source, k)
        if target in targets:  # e.g. an org named like "<org>-r<k>" in a future corpus
            raise RuntimeError(f"two corpus files map to {target}: {targets[target]}, {source}")
        targets[target] = source

    contents = {source: (corpus / source).read_bytes() for source in set(targets.values())}
    made: set[Path] = set()
    for target, source in targets.items():  # files written as new, writable files
        path = out / target
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(contents[source])
    marker.write_text(stamp)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the tree into")
    parser.add_argument("--configs", type=int, required=True, help="ci-operator configs")
    parser.add_argument(
        "--shared",
        type=Path,
        default=None,
        help="the shared folder holding corpus/openshift-release "
        "($CILINT_SHARED, else ../shared next to the repository)",
    )
    args = parser.parse_args(argv)
    if args.configs < 1:
        parser.error("--configs must be at least 1")
    start = time.perf_counter()
    try:
        out = corpus_tree(args.out, args.configs, args.shared)
    except (OSError, RuntimeError) as error:
        print(f"corpus_tree: {error}", file=sys.stderr)
        return 2
    files = sum(1 for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    print(
        f"corpus_tree: {out}: {files} files, {args.configs} configs, "
        f"{time.perf_counter() - start:.2f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
