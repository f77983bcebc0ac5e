"""The ten key groups' pages: each sub-package's blueprints."""
from .safety_and_inclusion.views import blueprints as safety_and_inclusion
from .workforce.views import blueprints as workforce

blueprints = (*workforce, *safety_and_inclusion)
