"""`read_bytes` gives what `Path.read_bytes` gives, and fails as it does."""

from __future__ import annotations

from pathlib import Path

import pytest

from cilint.inputs.reading import read_bytes


@pytest.mark.parametrize("size", [0, 1, 1500, 65_535, 65_536, 65_537, 300_000])
def test_whole_files_of_any_size(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    assert read_bytes(str(path)) == path.read_bytes()


def test_what_cannot_be_read_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(str(tmp_path / "missing.yaml"))
    with pytest.raises(OSError):
        read_bytes(str(tmp_path))  # a folder
