#!/bin/bash
set -euo pipefail
make test
