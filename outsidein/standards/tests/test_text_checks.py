"""Authors are warned about hard-to-read pledges and standards that break the GC guideline."""

from outsidein.standards.text_checks import (
    plain_language_findings,
    reading_grade,
    standard_text_findings,
    syllable_count,
)


def codes(findings):
    return sorted(f.code for f in findings)


def test_good_standard_passes_the_lint():
    assert standard_text_findings("We answer letters within 15 business days.", "en") == []
    assert standard_text_findings("Nous répondons aux lettres en 15 jours ouvrables.", "fr") == []


def test_missing_unit_target_and_range_are_flagged():
    assert codes(standard_text_findings("We answer letters quickly.", "en")) == ["unit_missing"]
    assert "target_in_standard" in codes(
        standard_text_findings("80% of calls answered within 3 rings.", "en"))
    assert "target_in_standard" in codes(
        standard_text_findings("8 times out of 10 we answer within 3 rings.", "en"))
    assert "range" in codes(standard_text_findings("A decision in 5-10 business days.", "en"))
    assert "range" in codes(standard_text_findings("Une décision de 5 à 10 jours.", "fr"))
    assert standard_text_findings("Ouvert de 8 h 30 à 17 h, réponse en 2 jours.", "fr") == []
    assert standard_text_findings("Open 8:30 a.m. to 5 p.m.; reply in 2 days.", "en") == []
    assert "range" in codes(standard_text_findings("between 2 and 4 weeks", "en"))


def test_untimed_standard_needs_no_unit():
    assert standard_text_findings("Staff wear name tags.", "en", timed=False) == []


def test_reading_grade_separates_plain_from_dense_text():
    plain = "We answer your call fast. You can talk to a person. We call you back in one day."
    dense = ("Notwithstanding organizational considerations, correspondence necessitating "
             "interdepartmental consultation will be substantively addressed expeditiously.")
    assert reading_grade(plain, "en") <= 8
    assert reading_grade(dense, "en") > 12
    assert plain_language_findings(plain, "en") == []
    assert codes(plain_language_findings(dense, "en")) == ["grade"]


def test_french_grade_uses_the_same_ceiling():
    plain = "Nous répondons vite. Vous pouvez parler à une personne. Nous vous rappelons demain."
    dense = ("Nonobstant les considérations organisationnelles, la correspondance nécessitant "
             "une consultation interministérielle sera traitée substantiellement.")
    assert reading_grade(plain, "fr") <= 8
    assert reading_grade(dense, "fr") > 8
    finding = plain_language_findings(dense, "fr")[0]
    assert "Niveau de lecture" in finding.message


def test_syllables_are_at_least_vowel_groups():
    assert syllable_count("telephone", "en") == 3
    assert syllable_count("application", "en") >= 4
    assert syllable_count("sonnerie", "fr") >= 3
    assert reading_grade("", "en") is None
