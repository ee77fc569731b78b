#!/usr/bin/env bash
# linespec-provenance: PostToolUse and PostToolUseFailure hook for Bash.
#
# The git hooks are the real gate; this one only helps after they refused a commit. When
# a `git commit` failed and its error output is about provenance (a record ID, a scope
# violation, a missing commit tag), it hands the agent linespec's exact remediation
# (`linespec provenance next --json`) instead of leaving it to guess. Quiet for every
# other command, for commits that succeeded and for failures that are not provenance's.
# Never blocks; silent when jq, linespec or a linespec config is missing.

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

# Tool matchers only see the tool's name, so picking out commits is done here.
ran=$(field '.tool_input.command // empty')
printf '%s\n' "$ran" |
    grep -Eq '(^|[^[:alnum:]_-])git[[:space:]]+([^;&|]*[[:space:]])?commit([[:space:]]|$)' ||
    exit 0

# Where the failure shows depends on the Claude Code version: an exit code in the tool
# response, a PostToolUseFailure event with an `error` text, or neither, in which case
# the "Commit blocked" line our git hooks print is the evidence.
event=$(field '.hook_event_name // "PostToolUse"')
code=$(field '[(.tool_response, .tool_output) | objects | (.exit_code, .exitCode, .returncode)]
    | map(select(. != null)) | first // empty')
errors=$(field '[((.tool_response, .tool_output) | objects | .stderr), .error,
    (.tool_response | strings)] | map(strings) | join("\n")')
if [ -n "$code" ]; then
    [ "$code" != 0 ] || exit 0
elif [ "$event" != PostToolUseFailure ]; then
    printf '%s' "$errors" | grep -q 'Commit blocked' || exit 0
fi
printf '%s' "$errors" | grep -Eqi 'provenance|prov-[0-9]|scope violation|commit tag' || exit 0

cwd=$(field '.cwd // empty')
cd "${cwd:-.}" 2>/dev/null || exit 0
has_config "$(pwd -P)" || exit 0

next=$(linespec provenance next --json 2>/dev/null) || exit 0
reason=$(printf '%s' "$next" | jq -r '.primary.reason // empty' 2>/dev/null)
[ -n "$reason" ] || exit 0
command=$(printf '%s' "$next" | jq -r '.primary.command // empty' 2>/dev/null)

message="Provenance (linespec) blocked this commit. Next: $reason"
[ -n "$command" ] && message+=$'\n'"  $command"

jq -n --arg message "$message" --arg event "$event" \
    '{systemMessage: $message, hookSpecificOutput: {hookEventName: $event, additionalContext: $message}}' \
    2>/dev/null
exit 0
