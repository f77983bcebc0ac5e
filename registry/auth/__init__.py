"""Sign-in, sign-out and the access rules (the permissions package)."""
