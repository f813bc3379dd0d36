# Thin wrappers around dev.py, which needs only Python and git.
.PHONY: demo test bench lint
demo:
	python3 dev.py demo
test:
	python3 dev.py test
bench:
	python3 dev.py bench
lint:
	.venv/bin/ruff check lint tests bench dev.py && .venv/bin/ruff format --check lint tests bench dev.py
