"""What a ci-operator config's path says about it (ci-tools `InfoFromPath`, pkg/config/load.go).

`ci-operator/config/<org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml`: org is the
grand-parent folder, repo the parent, branch the file stem without the `<org>-<repo>-` prefix,
variant the text after the last `__`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class ConfigPath:
    org: str
    repo: str
    branch: str
    variant: str

    def metadata(self) -> dict[str, str]:
        fields = {"org": self.org, "repo": self.repo, "branch": self.branch}
        if self.variant:
            fields["variant"] = self.variant
        return fields

    def file_name(self) -> str:
        suffix = f"__{self.variant}" if self.variant else ""
        return f"{self.org}-{self.repo}-{self.branch}{suffix}.yaml"


@lru_cache(maxsize=8)  # asked three times per config (facts, file-name, metadata-mismatch)
def parse_config_path(relative: str) -> ConfigPath | str:
    """`relative` is the path under the config folder; returns the info or why it is malformed."""
    parts = relative.split("/")
    if len(parts) != 3:
        return (
            f"a ci-operator config must sit at <org>/<repo>/<org>-<repo>-<branch>.yaml under the "
            f"config folder, but this one is {len(parts) - 1} folder(s) deep"
        )
    org, repo, name = parts
    if not name.endswith(".yaml"):
        return "a ci-operator config file name must end in .yaml"
    stem = name[: -len(".yaml")]
    prefix = f"{org}-{repo}-"
    if not stem.startswith(prefix):
        return f"the file name must start with {prefix!r} (its org and repo folders)"
    branch = stem[len(prefix) :]
    variant = ""
    if "__" in branch:
        branch, _, variant = branch.rpartition("__")
        if not variant:
            return "the variant after '__' is empty"
    if not branch:
        return "the branch part of the file name is empty"
    return ConfigPath(org, repo, branch, variant)
