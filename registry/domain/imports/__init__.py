"""Spreadsheet imports: upload → preview (every row ready or wrong, with reasons) → confirm in one
transaction. The uploaded file is kept with its batch while it awaits a decision, so confirming
re-reads and re-checks it against the records as they are then, and the wrong rows can be
downloaded to fix; once confirmed or discarded (or left for ``purge-imports``) only its SHA-256 stays."""
