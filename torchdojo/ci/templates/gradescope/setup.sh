#!/usr/bin/env bash
# Gradescope runs this once, while it builds the autograder image (with network access).
# It installs Python >= 3.11 and the exact package versions this bundle was built and tested
# with (requirements.txt), then makes the hidden checks and references readable by root only.
set -euo pipefail
cd /autograder/source

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON=python3
    apt-get install -y -q --no-install-recommends python3-venv
else
    PYTHON=python3.11
    apt-get install -y -q --no-install-recommends python3.11 python3.11-venv
fi

"$PYTHON" -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
# torch's CPU build: Gradescope machines have no GPU.
/autograder/venv/bin/pip install -q --extra-index-url https://download.pytorch.org/whl/cpu \
    -r requirements.txt

# Hidden checks and reference solutions: only the grading process (root) may read them.
chmod -R go= /autograder/source/course
