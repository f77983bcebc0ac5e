"""Demo records of the ten key groups' own pages (registry/demo/records.py calls :func:`load_demo`)."""
from .safety_and_inclusion import demo as safety_and_inclusion
from .workforce import demo as workforce


def load_demo(context) -> dict[str, int]:
    return {**workforce.load_demo(context), **safety_and_inclusion.load_demo(context)}
