#!/usr/bin/env bash
# linespec-provenance: SessionStart hook.
#
# Gives the agent the next provenance action before it starts work. The guidance is
# linespec's own (`linespec provenance next --json`); this script only renders it, so the
# advice never drifts from the tool. A hook must never get in a session's way: when jq,
# linespec or a linespec config is missing, or anything fails, it prints nothing and
# exits 0.

input=$(cat)
command -v jq >/dev/null 2>&1 || exit 0
command -v linespec >/dev/null 2>&1 || exit 0
[ "$(printf '%s' "$input" | jq -r type 2>/dev/null)" = object ] || exit 0

# Is there a linespec config for DIR? The same search linespec makes: the nearest
# .linespec.yml (or pyproject.toml with a [tool.linespec.provenance] table) from DIR up
# to the git top-level. Without one the repository does not use linespec.
has_config() {
    local dir=$1 top
    top=$(git -C "$dir" rev-parse --show-toplevel 2>/dev/null) || top=$dir
    while :; do
        [ -f "$dir/.linespec.yml" ] && return 0
        if [ -f "$dir/pyproject.toml" ] &&
            grep -Eq '^[[:space:]]*\[tool\.linespec\.provenance\]' "$dir/pyproject.toml"; then
            return 0
        fi
        if [ "$dir" = "$top" ] || [ "$dir" = / ] || [ -z "$dir" ]; then
            return 1
        fi
        dir=$(dirname "$dir")
    done
}

cwd=$(printf '%s' "$input" | jq -r '.cwd // empty' 2>/dev/null)
cd "${cwd:-.}" 2>/dev/null || exit 0
has_config "$(pwd -P)" || exit 0

next=$(linespec provenance next --json 2>/dev/null) || exit 0
reason=$(printf '%s' "$next" | jq -r '.primary.reason // empty' 2>/dev/null)
[ -n "$reason" ] || exit 0
command=$(printf '%s' "$next" | jq -r '.primary.command // empty' 2>/dev/null)

context="Provenance (linespec) — next action: $reason"
[ -n "$command" ] && context+=$'\n'"  $command"

jq -n --arg context "$context" \
    '{hookSpecificOutput: {hookEventName: "SessionStart", additionalContext: $context}}' \
    2>/dev/null
exit 0
