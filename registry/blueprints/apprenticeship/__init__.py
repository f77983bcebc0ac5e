"""Programme package: rules.py says what is particular to it; views.py holds the filing pages and
records.py the special subsidy years and the reports, on the same blueprint."""
from . import records  # noqa: F401  (registers its routes on bp)
from .views import bp

__all__ = ["bp"]
