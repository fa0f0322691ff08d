"""Rules with no I/O: what may happen and what it means (plain functions and values)."""
