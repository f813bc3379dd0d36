"""cilint: a configuration linter and image-tag policy checker for OpenShift CI."""

__version__ = "0.1.0"
# Where cilint lives (pyproject.toml's [project.urls] Homepage, checked by a test): SARIF's
# informationUri, and the base of each rule's helpUri (docs/rules.md).
HOMEPAGE = "https://github.com/openshift-eng/cilint"
