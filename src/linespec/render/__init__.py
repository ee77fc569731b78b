"""Turning core data into text for people (rich) and machines (JSON)."""
