"""Checks that help authors write standards: plain-language grade and the GC guideline lint.

Readability uses the classic formulas with syllables from pyphen's hyphenation dictionaries
(the approach textstat used before it began downloading NLTK data at run time):
Flesch–Kincaid grade for English; Kandel–Moles reading ease for French, mapped to a grade on
Flesch's own scale so both languages are judged against the same grade-8 ceiling.
"""

import re
from dataclasses import dataclass
from functools import cache

import pyphen

PLAIN_LANGUAGE_MAX_GRADE = 8

_SENTENCE_END = re.compile(r"[.!?;:]+(?:\s|$)")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_VOWEL_GROUPS = {"en": re.compile(r"[aeiouy]+"), "fr": re.compile(r"[aeiouyàâäéèêëîïôöùûüÿœæ]+")}


@dataclass(frozen=True)
class Finding:
    """One problem an author should look at."""

    code: str
    language: str
    message: str


@cache
def _dictionary(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="fr_FR" if language == "fr" else "en_US")


def syllable_count(word: str, language: str) -> int:
    """Syllables in a word: the larger of hyphenation points and vowel groups (at least 1)."""
    lower = word.lower()
    hyphenated = len(_dictionary(language).positions(lower)) + 1
    groups = len(_VOWEL_GROUPS[language].findall(lower))
    if language == "en" and lower.endswith("e") and not lower.endswith(("le", "ee")) and groups > 1:
        groups -= 1  # silent final e
    if language == "fr" and lower.endswith(("e", "es", "ent")) and groups > 1:
        groups -= 1  # mute final e
    return max(1, hyphenated, groups)


def _counts(text: str, language: str) -> tuple[int, int, int]:
    words = _WORD.findall(text)
    sentences = max(1, len([s for s in _SENTENCE_END.split(text.strip()) if s.strip()]))
    syllables = sum(syllable_count(w, language) for w in words)
    return len(words), sentences, syllables


def _flesch_ease_to_grade(ease: float) -> float:
    # Flesch's table: 90–100 grade 5, 80–90 grade 6, 70–80 grade 7, 60–70 grades 8–9,
    # 50–60 grades 10–12, 30–50 college (13–16), below 30 graduate (17+).
    table = [(90, 5), (80, 6), (70, 7), (60, 8.5), (50, 11), (30, 14.5)]
    for floor, grade in table:
        if ease >= floor:
            return grade
    return 17.0


def reading_grade(text: str, language: str) -> float | None:
    """School grade needed to read the text (None for an empty text)."""
    words, sentences, syllables = _counts(text, language)
    if words == 0:
        return None
    if language == "fr":
        ease = 207 - 1.015 * (words / sentences) - 73.6 * (syllables / words)
        return _flesch_ease_to_grade(ease)
    grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59
    return round(max(0.0, grade), 1)


_UNITS = {
    "en": r"\b(second|minute|hour|day|week|month|year|ring|business day|working day)s?\b",
    "fr": r"\b(seconde|minute|heure|jour|semaine|mois|an|année|sonnerie|jour ouvrable)s?\b",
}
_PERCENT = re.compile(r"%|\bper\s?cent\b|\bpercent\b|\bpour\s?cent\b|\b\d+\s+(?:times\s+)?out of\s+\d+\b"
                      r"|\b\d+\s+fois sur\s+\d+\b", re.IGNORECASE)
_DURATION = {
    "en": (r"\s*(?:business\s+|working\s+|calendar\s+)?"
           r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|rings?)\b"),
    "fr": r"\s*(?:secondes?|minutes?|heures?|jours?|semaines?|mois|sonneries?)\b",
}
# A range is two numbers joined by a dash, "to"/"à" or "between … and", followed by a duration;
# opening hours ("8:30 a.m. to 5 p.m.", "8 h 30 à 17 h") are not ranges.
_RANGES = {
    "en": re.compile(r"(?<![:\d])\b\d+\s*(?:-|–|to)\s*\d+\b" + _DURATION["en"]
                     + r"|\bbetween\s+\d+\s+and\s+\d+\b", re.IGNORECASE),
    "fr": re.compile(r"(?<![:\d])\b\d+\s*(?:-|–|à)\s*\d+\b" + _DURATION["fr"]
                     + r"|\bentre\s+\d+\s+et\s+\d+\b", re.IGNORECASE),
}
_MESSAGES = {
    "unit_missing": {"en": "State the unit of time (for example “15 business days”).",
                     "fr": "Précisez l’unité de temps (par exemple « 15 jours ouvrables »)."},
    "target_in_standard": {
        "en": "Keep the target share out of the standard; it is set separately.",
        "fr": "Ne mettez pas la cible dans la norme; elle est fixée à part."},
    "range": {"en": "Give one commitment, not a range.",
              "fr": "Donnez un seul engagement, pas une fourchette."},
    "grade": {"en": "Reading grade %(grade)s is above %(max)s: use shorter words and sentences.",
              "fr": "Niveau de lecture %(grade)s supérieur à %(max)s : raccourcissez les mots "
                    "et les phrases."},
}


def _message(code: str, language: str, **values) -> str:
    text = _MESSAGES[code]["fr" if language == "fr" else "en"]
    return text % values if values else text


def standard_text_findings(text: str, language: str, *, timed: bool = True) -> list[Finding]:
    """GC guideline lint for a standard's wording: unit stated, no target inside, no ranges."""
    findings = []
    if timed and not re.search(_UNITS[language], text, re.IGNORECASE):
        findings.append(Finding("unit_missing", language, _message("unit_missing", language)))
    if _PERCENT.search(text):
        findings.append(Finding("target_in_standard", language,
                                _message("target_in_standard", language)))
    if _RANGES[language].search(text):
        findings.append(Finding("range", language, _message("range", language)))
    return findings


def plain_language_findings(text: str, language: str) -> list[Finding]:
    """A warning when a pledge or standard reads above grade 8."""
    grade = reading_grade(text, language)
    if grade is None or grade <= PLAIN_LANGUAGE_MAX_GRADE:
        return []
    return [Finding("grade", language, _message("grade", language, grade=f"{grade:g}",
                                                max=PLAIN_LANGUAGE_MAX_GRADE))]


def version_findings(version, ui_language: str = "en") -> list[Finding]:
    """All findings for a standard version's English and French text and pledges."""
    timed = version.unit not in ("none", "") and version.standard_type == "timeliness"
    findings = []
    for lang in ("en", "fr"):
        findings += standard_text_findings(getattr(version, f"text_{lang}"), lang, timed=timed)
        for field in ("pledge", "text"):
            findings += plain_language_findings(getattr(version, f"{field}_{lang}"), lang)
    return findings
