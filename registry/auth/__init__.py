"""Sign-in, sign-out and the access rules (permissions.py)."""
