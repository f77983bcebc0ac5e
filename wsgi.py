"""Entry point for gunicorn and ``flask --app wsgi``."""
from registry import create_app, freeze_startup_objects

app = create_app()
freeze_startup_objects()  # in each worker, or in gunicorn's master before it forks (--preload)
