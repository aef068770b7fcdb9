#!/usr/bin/env bash
# Refresh the project-level catalogues (templates/ and academy/) without pulling in the apps,
# which keep their own <app>/locale/. Needs GNU gettext (developers only; `make` compiles with Babel).
set -euo pipefail
cd "$(dirname "$0")/.."
uv run django-admin makemessages -l fr -l ar --no-obsolete \
  --ignore=courses --ignore=learners --ignore=certificates --ignore=hr \
  --ignore=node_modules --ignore=.venv --ignore=var --ignore=bench --ignore=tests --ignore=scripts
