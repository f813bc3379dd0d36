"""ghodss/yaml's number-to-string conversion, which the numeric-string rule quotes."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cilint.yaml.go_format import go_format_float32, go_string


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (4.10, "4.1"),
        (1.20, "1.2"),
        (4.1, "4.1"),
        (100.0, "100"),
        (1e6, "1e+06"),
        (123456.0, "123456"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (3.14159265, "3.1415927"),
        (-4.5, "-4.5"),
        (0.0, "0"),
        # Found by the fuzzer (tests/test_fuzz.py): halfway between float32's largest and
        # 2**128 rounds to infinity without an OverflowError; Go prints "+Inf" there.
        (3.4028235677973366e38, "+Inf"),
        (-3.4028235677973366e38, "-Inf"),
        (3.4028234663852886e38, "3.4028235e+38"),
    ],
)
def test_format_float32_matches_go(value: float, text: str) -> None:
    assert go_format_float32(value) == text


def test_go_string_of_other_scalars() -> None:
    assert go_string(True) == "true"
    assert go_string(15) == "15"
    assert go_string(None) == ""


def _f32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


@given(st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_format_float32_round_trips(value: float) -> None:
    text = go_format_float32(value)
    assert _f32(float(text)) == _f32(value)
