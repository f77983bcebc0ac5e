"""The ten key groups' own records (imported for the schema by registry.blueprints.load_programmes)."""
from .safety_and_inclusion import models as safety_and_inclusion  # noqa: F401
from .workforce import models as workforce  # noqa: F401
