"""Blueprints: one package per feature or programme.

Programme packages define their rules in ``rules.py`` and register them into the catalogue when
imported; :func:`load_programmes` imports every package listed here.
"""
from __future__ import annotations

import importlib

#: Packages that each register one or more programmes into registry.domain.catalogue.
PROGRAMME_PACKAGES = (
    "registry.blueprints.yuecai",
    "registry.blueprints.jiazheng",
    "registry.blueprints.jigong",
    "registry.blueprints.apprenticeship",
    "registry.blueprints.ten_groups",
)


def load_programmes() -> None:
    for package in PROGRAMME_PACKAGES:
        importlib.import_module(f"{package}.rules")
