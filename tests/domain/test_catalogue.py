"""The programme catalogue: every programme of DOMAIN.md, each defined in its own package."""
import re
from pathlib import Path

import pytest

from registry.domain.catalogue import CERTIFICATE_TYPES, Catalogue, Occupation, PolicySource, Programme, catalogue

POLICY_DIR = Path(__file__).resolve().parents[3] / "shared" / "policy"
REGISTRY = Path(__file__).resolve().parents[2] / "registry"


def test_every_programme_is_registered():
    names = {p.name for p in catalogue.all()}
    assert {"粤菜师傅", "南粤家政", "广东技工", "企业新型学徒制"} <= names
    numbers = sorted(p.ten_groups_number for p in catalogue.all() if p.ten_groups_number)
    assert numbers == list(range(1, 11)), "each of Guangzhou's ten key groups is one programme"


def test_home_services_has_its_four_tracks_with_occupations():
    programme = next(p for p in catalogue.all() if p.name == "南粤家政")
    assert [t.name for t in programme.tracks] == ["母婴", "居家", "养老", "医护"]
    for track in programme.tracks:
        assert track.occupation_codes
        assert all(programme.occupation(code) for code in track.occupation_codes)


def test_each_programme_has_agencies_sources_and_certificate_types():
    for programme in catalogue.all():
        assert programme.lead_agencies, programme.code
        assert set(programme.certificate_types) <= set(CERTIFICATE_TYPES)
        for source in programme.sources:
            assert (POLICY_DIR / source.file).exists(), f"{programme.code} cites a missing policy file"
        for occupation in programme.occupations:
            assert occupation.special or set(occupation.levels) <= {1, 2, 3, 4, 5}


def test_occupations_carry_levels_or_are_special_items():
    programme = Programme(
        code="x", name="x", summary="", lead_agencies=("a",), sources=(PolicySource("f", "1"),),
        occupations=(Occupation("bad", "无等级也非专项"),), certificate_types=("skill_level",),
    )
    with pytest.raises(ValueError):
        Catalogue().register(programme)


def test_safety_programme_declares_its_minimum_hours():
    rule = next(p for p in catalogue.all() if p.name == "安全技能提升").rules["minimum_pass_hours"]
    assert rule("safety_manager_initial")[0] == 48
    assert rule("safety_manager_refresher")[0] == 16
    assert rule("low_voltage_electrician") is None


def test_shared_code_never_names_a_programme():
    """Programme codes appear only in their own packages (and the demo data set, registry/demo/)."""
    codes = [p.code for p in catalogue.all()]
    pattern = re.compile(r"""["'](%s)["']""" % "|".join(map(re.escape, codes)))
    programme_packages = {"yuecai", "jiazheng", "jigong", "apprenticeship", "ten_groups"}
    offenders = []
    for path in REGISTRY.rglob("*.py"):
        relative = path.relative_to(REGISTRY)
        if relative.parts[0] == "blueprints" and len(relative.parts) > 2 and relative.parts[1] in programme_packages:
            continue
        if relative.name == "demo.py" or relative.parts[0] == "demo":
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(str(relative))
    assert offenders == []
