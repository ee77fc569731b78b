"""The core: records, config, rules and verdicts. Nothing here prints or exits."""
