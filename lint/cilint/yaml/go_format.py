"""How Go's YAML decoders turn non-string scalars into strings (ghodss/yaml, sigs.k8s.io/yaml).

When a YAML number lands in a Go string field, ghodss/yaml formats it with
`strconv.FormatFloat(f, 'g', -1, 32)` (floats) or `strconv.FormatInt` (integers), and
booleans become "true"/"false". So `name: 4.10` is read as "4.1".
"""

from __future__ import annotations

import math
import struct


def _float32(value: float) -> float:
    rounded: float = struct.unpack("f", struct.pack("f", value))[0]
    return rounded


def go_format_float32(value: float) -> str:
    """`strconv.FormatFloat(value, 'g', -1, 32)`: shortest float32 digits, %e past 1e21/1e-4."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    try:
        target = _float32(value)
    except OverflowError:
        target = math.inf
    if math.isinf(target):  # past float32's range (halfway to 2**128 rounds up, unasked)
        return "+Inf" if value > 0 else "-Inf"
    if target == 0:
        return "-0" if math.copysign(1.0, target) < 0 else "0"
    for precision in range(1, 10):
        text = f"{target:.{precision - 1}e}"
        if _float32(float(text)) == target:
            break
    mantissa, exponent_text = text.split("e")
    negative = mantissa.startswith("-")
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    exponent = int(exponent_text)
    sign = "-" if negative else ""
    # strconv/ftoa.go, %g branch: with the shortest precision, %e is used when the decimal
    # exponent is < -4 or >= 6 (eprec = 6).
    eprec = 6
    if exponent < -4 or exponent >= eprec:
        tail = f".{digits[1:]}" if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{tail}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent >= len(digits) - 1:
        return sign + digits + "0" * (exponent - len(digits) + 1)
    if exponent >= 0:
        return f"{sign}{digits[: exponent + 1]}.{digits[exponent + 1 :]}"
    return f"{sign}0.{'0' * (-exponent - 1)}{digits}"


def go_string(value: object) -> str:
    """The string a Go string field receives for a YAML scalar `value`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_format_float32(value)
    if value is None:
        return ""
    return str(value)


def go_key_string(value: object) -> str:
    """The JSON object key Go produces for a non-string YAML mapping key."""
    if value is None:
        return "null"
    return go_string(value)
