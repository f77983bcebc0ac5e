"""What every part of the apprenticeship filings shares: the policy citation, the filing programme,
occupation labels, and the draft-only guard (穗人社函〔2020〕22号 之四)."""
from __future__ import annotations

from ..catalogue import LEVELS, Programme, catalogue
from ..errors import DomainError
from .models import ApprenticeshipFiling

#: Filings whose apprentices are held by them (a draft holds no one; a rejected filing frees them).
LIVE_FILING_STATUSES = ("submitted", "approved")
POLICY = "穗人社函〔2020〕22号 之四"


def rule(item: str) -> str:
    """The citation shown in messages, e.g. 穗人社函〔2020〕22号 之四 二(三)."""
    return f"{POLICY} {item}"


# --- the programme ------------------------------------------------------------------------------

def filing_programmes() -> list[Programme]:
    """Programmes whose subsidy the enterprise claims on a filing (the catalogue says which)."""
    return catalogue.subsidised("filing")


def filing_programme(code: str | None = None) -> Programme:
    programmes = filing_programmes()
    if not programmes:
        raise DomainError("没有以企业备案方式申领补贴的培训项目")
    if not code:
        return programmes[0]
    programme = next((p for p in programmes if p.code == code), None)
    if programme is None:
        raise DomainError("请选择以企业备案方式开展的培训项目", "programme_code")
    return programme


def occupation_label(programme_code: str, occupation_code: str, level: int | None) -> str:
    programme = catalogue.get(programme_code)
    occupation = programme.occupation(occupation_code) if programme else None
    name = occupation.name if occupation else occupation_code
    return f"{name} {LEVELS.get(level, '专项职业能力') if level else '专项职业能力'}"


def level_is(column, level: int | None):
    return column.is_(None) if level is None else column == level


def require_draft(filing: ApprenticeshipFiling) -> None:
    if filing.status != "draft":
        raise DomainError(f"备案当前为「{filing.status_name}」,不能再修改")

