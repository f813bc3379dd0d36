#!/bin/bash
set -euo pipefail
oc apply -f deploy/
