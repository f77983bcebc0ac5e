"""Enterprise apprenticeship filings; see models.py."""
