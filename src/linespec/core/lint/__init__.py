"""The linter: a catalogue of rules and the engine that runs them in the documented order."""
