"""cilint: a configuration linter and image-tag policy checker for OpenShift CI."""

# Before msgspec: its C module takes datetime's C API at import without checking it, and a
# Ctrl-C while datetime was first imported there was swallowed, left it without that API and
# crashed the interpreter at the first decoder (SIGSEGV; bench/NOTES.md). Imported here, an
# interrupt is an ordinary KeyboardInterrupt.
import datetime  # noqa: F401

__version__ = "0.1.0"
# Where cilint lives (pyproject.toml's [project.urls] Homepage, checked by a test): SARIF's
# informationUri, and the base of each rule's helpUri (docs/rules.md).
HOMEPAGE = "https://github.com/openshift-eng/cilint"
