"""Programme package: see rules.py for what is particular to it; views.py for the filing pages."""
from .views import bp

__all__ = ["bp"]
