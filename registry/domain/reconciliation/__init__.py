"""Reconciliation: annual targets against what the records show (issue 5)."""
