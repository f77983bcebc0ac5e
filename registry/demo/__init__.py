"""The demo data set: a city's worth of bases, sessions, trainees and results.

Everything is made through the domain operations, so the demo obeys every rule the app enforces
(checksums, recognitions, capacities, state moves, minimum hours) and every row is in the audit
log. It is deterministic for a given day: a seeded random generator, with dates relative to today
so that there are always sessions of the previous year, finished and running sessions of this
year, and sessions still open for enrolment.

``data.py`` holds the fixed specifications (bases, enterprises, accounts, names), ``builder.py``
the organisations, people, sessions and results, ``records.py`` what is built on them (targets,
certificate changes, service cards, subsidy claims, apprenticeship filings, each programme
package's own records).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask import current_app
from sqlalchemy import select

from ..domain.accounts.models import User
from ..domain.certificates.signing import KeyRing
from ..domain.common import today
from ..domain.organisations.models import Enterprise, TrainingBase
from ..domain.trainees.models import Trainee
from ..domain.training.models import TrainingSession
from ..extensions import db
from .data import ACCOUNTS

DEMO_PASSWORD = "registry-demo"
SEED = 20190101


@dataclass(frozen=True)
class ProgrammeDemo:
    """What a programme package's demo records build on: the demo's day, bases, enterprises, the
    sessions it ran, its accounts, and a way to register one more demo person for a programme."""

    today: date
    rng: random.Random
    bases: list[TrainingBase]
    enterprises: list[Enterprise]
    sessions: list[TrainingSession]
    users: list[User]
    #: (programme code, base) → a new registered trainee with the programme's group tags.
    new_trainee: Callable[[str, TrainingBase], Trainee]


class DemoRefused(Exception):
    """The demo data set must not be loaded here (production, or already loaded)."""



def seed_demo(env: str | None, keyring: KeyRing | None = None) -> dict[str, int]:
    """Load the demo data set; refused in production and when it is already there."""
    if env == "production":
        raise DemoRefused("生产环境(REGISTRY_ENV=production)不能载入演示数据")
    if db.session.scalar(select(User.id).where(User.username.in_(tuple(ACCOUNTS)))) is not None:
        raise DemoRefused("演示数据已载入(已有演示账号),未重复载入")
    keyring = keyring or KeyRing(current_app.config["REGISTRY_KEYS_DIR"])
    from .builder import DemoBuilder

    return DemoBuilder(random.Random(SEED), today(), keyring).build()


