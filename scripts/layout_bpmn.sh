#!/usr/bin/env bash
# Development tool: regenerates the diagram layout (BPMN DI) of the given models, e.g. after
# editing bpmn/application.bpmn by hand:  scripts/layout_bpmn.sh bpmn/application.bpmn
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$root/tools/bpmn-layout" && npm install --silent --no-audit --no-fund >/dev/null)
paths=()
for file in "$@"; do paths+=("$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"); done
node "$root/tools/bpmn-layout/layout.mjs" "${paths[@]}"
