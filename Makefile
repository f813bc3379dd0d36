# Thin wrappers around dev.py, which needs only Python and git.
.PHONY: demo test bench fuzz lint
demo:
	python3 dev.py demo
test:
	python3 dev.py test
bench:
	python3 dev.py bench
# make fuzz N=50000: more inputs than the 10,000 of dev.py's default
fuzz:
	python3 dev.py fuzz $(N)
lint:
	.venv/bin/ruff check lint tests bench dev.py && .venv/bin/ruff format --check lint tests bench dev.py
