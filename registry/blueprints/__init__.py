"""Blueprints: one package per feature or programme.

A programme package defines its rules in ``rules.py`` (registered into the catalogue when
imported), its own records in ``models.py`` when it keeps any, and its pages in ``views.py``, which
exports ``bp`` (or ``blueprints`` when it has several). Its ``__init__.py`` stays light, so that
``auth/permissions/programmes.py`` can import the package's models without importing its views.
:func:`load_programmes` imports every package's rules and models; :func:`programme_blueprints`
collects their blueprints.
"""
from __future__ import annotations

import importlib
import importlib.util

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
        if importlib.util.find_spec(f"{package}.models") is not None:
            importlib.import_module(f"{package}.models")


def programme_blueprints() -> list:
    found = []
    for package in PROGRAMME_PACKAGES:
        views = f"{package}.views"
        module = importlib.import_module(views if importlib.util.find_spec(views) else package)
        found += list(getattr(module, "blueprints", ())) or ([module.bp] if hasattr(module, "bp") else [])
    return found
