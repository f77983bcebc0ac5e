"""What a programme package adds to the shared pages: links to its own records and panels of its own
figures on its landing page, and sections of its own on a trainee's record. Packages register them
when their views are imported; the shared pages (``programmes.landing``, ``trainees.detail``) show
them without knowing any programme by name."""
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


@dataclass(frozen=True)
class TraineeSection:
    """A block of a trainee's record (e.g. competition results) drawn by the programme's template."""

    title: str
    template: str
    #: (viewer, trainee) → the template's context, or None when the section has nothing for this person.
    context: Callable[[Any, Any], dict | None]
    roles: tuple[str, ...] = ALL_ROLES


_LINKS: dict[str, list[RecordLink]] = {}
_TRAINEE_SECTIONS: list[TraineeSection] = []
_PANELS: dict[str, list[Panel]] = {}


def register_records(programme_code: str, *links: RecordLink) -> None:
    _LINKS.setdefault(programme_code, []).extend(links)


def register_panel(programme_code: str, panel: Panel) -> None:
    _PANELS.setdefault(programme_code, []).append(panel)


def links_for(programme_code: str, role: str) -> list[RecordLink]:
    return [link for link in _LINKS.get(programme_code, []) if role in link.roles]


def panels_for(programme_code: str, role: str) -> list[Panel]:
    return [panel for panel in _PANELS.get(programme_code, []) if role in panel.roles]


def register_trainee_section(section: TraineeSection) -> None:
    _TRAINEE_SECTIONS.append(section)


def trainee_sections(user, trainee) -> list[tuple[TraineeSection, dict]]:
    """The sections a trainee's record shows this viewer, each with its context."""
    shown = []
    for section in _TRAINEE_SECTIONS:
        if user.role in section.roles:
            context = section.context(user, trainee)
            if context is not None:
                shown.append((section, context))
    return shown
