"""Programme package: see rules.py for what is particular to it."""
