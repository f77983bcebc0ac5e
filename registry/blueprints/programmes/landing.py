"""What a programme package adds to its landing page: links to its own records and panels of its
own figures. Packages register them when their views are imported; the shared landing page
(``programmes.landing``) shows them without knowing any programme by name."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

ALL_ROLES = ("city", "district", "base", "enterprise")


@dataclass(frozen=True)
class RecordLink:
    """A page of the programme's own records."""

    label: str
    endpoint: str
    description: str = ""
    #: How many of these records the viewer can see (called with the signed-in user).
    count: Callable[[Any], int] | None = None
    roles: tuple[str, ...] = ALL_ROLES
    #: Keyword arguments for url_for.
    args: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Panel:
    """A block of the landing page drawn by the programme's own template."""

    title: str
    template: str
    #: (viewer, year) → the template's context.
    context: Callable[[Any, int], dict]
    roles: tuple[str, ...] = ALL_ROLES


_LINKS: dict[str, list[RecordLink]] = {}
_PANELS: dict[str, list[Panel]] = {}


def register_records(programme_code: str, *links: RecordLink) -> None:
    _LINKS.setdefault(programme_code, []).extend(links)


def register_panel(programme_code: str, panel: Panel) -> None:
    _PANELS.setdefault(programme_code, []).append(panel)


def links_for(programme_code: str, role: str) -> list[RecordLink]:
    return [link for link in _LINKS.get(programme_code, []) if role in link.roles]


def panels_for(programme_code: str, role: str) -> list[Panel]:
    return [panel for panel in _PANELS.get(programme_code, []) if role in panel.roles]
