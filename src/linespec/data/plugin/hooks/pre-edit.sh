#!/usr/bin/env bash
# linespec-provenance: PreToolUse hook for Edit and Write.
#
# On the first edit of a file in a session, tells the agent which active records govern
# it (`linespec provenance govern --json`): the open ones by ID, since a commit should be
# tagged with one of them, and the sealed (implemented) ones only as a count, since a
# busy file can have dozens and none of them needs action. Advisory only: it never
# returns a permission decision and always exits 0, so it cannot block an edit. Silent
# when jq, linespec or a linespec config is missing, when the file is outside a git
# work tree, when no active record governs the file, and when anything fails.

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

field() {
    printf '%s' "$input" | jq -r "$1" 2>/dev/null
}

file=$(field '.tool_input.file_path // empty')
[ -n "$file" ] || exit 0
cwd=$(field '.cwd // empty')
[ -n "$cwd" ] || cwd=$PWD
case $file in
/*) ;;
*) file=$cwd/$file ;;
esac

# Resolve the path through its nearest existing directory: a Write may create
# directories, and git prints its top-level with symlinks resolved (/tmp on macOS is
# /private/tmp), so the prefix only compares equal on physical paths.
dir=${file%/*}
rest=${file##*/}
[ -n "$rest" ] || exit 0
while [ -n "$dir" ] && [ ! -d "$dir" ]; do
    rest=${dir##*/}/$rest
    dir=${dir%/*}
done
dir=$(cd "${dir:-/}" 2>/dev/null && pwd -P) || exit 0
top=$(git -C "$dir" rev-parse --show-toplevel 2>/dev/null) || exit 0
case $dir/ in
"$top"/*) ;;
*) exit 0 ;;
esac
# govern matches scope patterns against repository-relative paths.
rel=${dir#"$top"}/$rest
rel=${rel#/}
has_config "$dir" || exit 0

# Once per file per session. The marker lives in the plugin's data directory (the plugin
# root itself may be read-only); session IDs are made safe as one path component. When no
# marker can be written the hook stays silent rather than repeat itself on every edit.
session=$(field '.session_id // "none"')
session=$(printf '%s' "$session" | tr -c 'A-Za-z0-9._-' '_')
state=${CLAUDE_PLUGIN_DATA:-${TMPDIR:-/tmp}}/linespec-provenance/session-${session:-none}
key=$(printf '%s' "$top/$rel" | cksum | tr ' ' '-')
marker=$state/$key
[ -e "$marker" ] && exit 0
mkdir -p "$state" 2>/dev/null || exit 0
: >"$marker" 2>/dev/null || exit 0

# Run from the file's directory so that, in a monorepo, the config nearest the file
# decides which records govern it.
governed=$(cd "$dir" && linespec provenance govern --files "$rel" --json 2>/dev/null) || exit 0
open_ids=$(printf '%s' "$governed" |
    jq -r '[.governing[]? | select(.status == "open") | .id] | join(", ")' 2>/dev/null)
sealed=$(printf '%s' "$governed" |
    jq -r '[.governing[]? | select(.status == "implemented")] | length' 2>/dev/null)
case $sealed in
'' | *[!0-9]*) sealed=0 ;;
esac
[ -n "$open_ids" ] || [ "$sealed" -gt 0 ] || exit 0

if [ -n "$open_ids" ]; then
    message="Provenance (linespec): $rel is governed by open record(s): $open_ids."
    message+=" Tag your commit with one of them ([ID] in the message); nothing needs superseding."
    if [ "$sealed" -gt 0 ]; then
        message+=" $sealed sealed record(s) also govern it; they need no action."
    fi
else
    message="Provenance (linespec): $rel is governed by $sealed sealed record(s)."
    message+=" Make this change under a record of your own and tag your commits with it;"
    message+=" do not supersede a sealed record unless you are deliberately revising its decision."
fi
reason=$(printf '%s' "$governed" | jq -r '.next.reason // empty' 2>/dev/null)
command=$(printf '%s' "$governed" | jq -r '.next.command // empty' 2>/dev/null)
[ -n "$reason" ] && message+=$'\n'"Next: $reason"
[ -n "$command" ] && message+=$'\n'"  $command"

jq -n --arg context "$message" \
    '{hookSpecificOutput: {hookEventName: "PreToolUse", additionalContext: $context}}' \
    2>/dev/null
exit 0
