"""These groups' own records."""
