"""`JsonPath`: where a value is in a loaded document, one mapping key or sequence index a step."""

JsonPath = tuple[str | int, ...]
