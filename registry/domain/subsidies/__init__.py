"""Subsidy standards, rule parameters, claims and their ledger; see models.py."""
