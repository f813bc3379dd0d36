"""The rules: one module each, listed in `cilint.rules.registry`."""
