"""The command-line layer: arguments in, core calls, renderers out, exit codes."""
