"""Reading YAML bytes as ci-operator does: `loading` (the entry point, `load_yaml`), the yaml.v2
scalar rules (`go_semantics`, `go_format`), the yaml-rs fast path (`fast_path`), and positions of
JSON paths (`source_map`, `block_text`, `json_path`)."""
