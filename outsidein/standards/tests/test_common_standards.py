"""The Common Service Standards are seeded once, published, and editable like any standard."""

import datetime as dt

import pytest

from outsidein.standards.common_standards import COMMON_STANDARDS, common_standards_seed
from outsidein.standards.selectors import common_standards_for, current_version
from outsidein.standards.services import standard_publish, standard_revise
from outsidein.standards.text_checks import standard_text_findings

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_applies_to_the_whole_tree(province_world):
    gov, office = province_world.gov, province_world.health
    assert common_standards_seed(organization=gov, effective_from=dt.date(2025, 4, 1)) == len(
        COMMON_STANDARDS)
    assert common_standards_seed(organization=gov, effective_from=dt.date(2025, 4, 1)) == 0
    codes = {s.code for s in common_standards_for(office)}
    assert "CSS-TEL-ANSWER" in codes and "CSS-MAIL-RESPONSE" in codes


def test_common_standard_can_be_edited_into_a_new_version(province_world):
    gov = province_world.gov
    common_standards_seed(organization=gov, effective_from=dt.date(2025, 4, 1))
    standard = common_standards_for(gov).get(code="CSS-MAIL-RESPONSE")
    draft = standard_revise(standard=standard, threshold=10, change_note="Faster replies")
    standard_publish(version=draft, effective_from=dt.date(2026, 4, 1))
    assert current_version(standard).threshold == 10
    assert standard.versions.count() == 2


@pytest.mark.parametrize("code,fields", COMMON_STANDARDS, ids=[c for c, _ in COMMON_STANDARDS])
def test_seed_wording_passes_our_own_lint(code, fields):
    timed = fields["standard_type"] == "timeliness"
    for lang in ("en", "fr"):
        assert standard_text_findings(fields[f"text_{lang}"], lang, timed=timed) == [], code
