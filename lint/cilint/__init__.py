"""cilint: a configuration linter and image-tag policy checker for OpenShift CI."""

__version__ = "0.1.0"
