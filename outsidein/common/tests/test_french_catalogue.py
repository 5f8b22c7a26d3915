"""The French catalogue is complete: no untranslated or fuzzy entry, and every msgstr keeps the
placeholders of its msgid (%(name)s, %s, %%, {0}/{name} and HTML tags).

A string added to the interface without its French translation fails here, with the msgid and its
source location, and so does a string added to the code without re-running makemessages (the
last test extracts the msgids from a copy of the source as makemessages does). Fix: run
`python manage.py makemessages -l fr --ignore=node_modules --ignore=var --ignore=.venv
--ignore=bench --ignore="tests/*" --no-obsolete`, translate the new or fuzzy entries in
outsidein/locale/fr/LC_MESSAGES/django.po, then `python manage.py compilemessages -l fr
--ignore=.venv --ignore=node_modules`.

The catalogue is read with polib when it is installed, otherwise with the small reader below (the
PO format as makemessages writes it). When gettext's msgfmt is there, its own --check is run too.
"""

import ast
import io
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command

PO_PATH = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
REPO = PO_PATH.parents[4]
# What makemessages reads: the same --ignore as the command above ("tests/*" leaves out every
# tests directory), the default extensions of the django domain, the trees with translatable text.
MAKEMESSAGES_IGNORE = ["node_modules", "var", ".venv", "bench", "tests/*"]
SOURCE_EXTENSIONS = {".py", ".html", ".txt"}
SOURCE_TREES = ["outsidein", "config"]


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    occurrences: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        if self.msgid_plural is None:
            return bool(self.msgstr)
        return bool(self.msgstr_plural) and all(self.msgstr_plural.values())

    @property
    def where(self) -> str:
        return ", ".join(self.occurrences[:3]) or "no location"


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a PO string is a C string literal; Python reads the same escapes


def read_po(path: Path) -> list[Entry]:
    """Every entry of a PO file, the header excluded (polib when installed, else this reader)."""
    try:
        import polib
    except ImportError:
        return _read_po(path)
    return [Entry(msgid=e.msgid, msgid_plural=e.msgid_plural or None, msgctxt=e.msgctxt,
                  msgstr=e.msgstr,
                  msgstr_plural={int(k): v for k, v in e.msgstr_plural.items()}, flags=list(e.flags),
                  occurrences=[f"{f}:{n}" if n else f for f, n in e.occurrences], obsolete=e.obsolete)
            for e in polib.pofile(str(path)) if e.msgid]


def _read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # which string a continuation line belongs to

    def finish():
        if current is not None and current.msgid:
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue  # the previous msgid of an obsolete fuzzy entry
        if not line:
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0].startswith("msgstr"):
                finish()
                current, target = None, None
            if current is None:
                current = Entry(msgid="")
            if line.startswith("#,"):
                current.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            elif line.startswith("#:"):
                current.occurrences += line[2:].split()
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path}: a string continues nothing: {raw!r}")
            _append(current, target, _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and (current is None or (
                target is not None and target[0].startswith("msgstr"))):
            finish()
            current = Entry(msgid="")
        if current is None:
            raise ValueError(f"{path}: unexpected line: {raw!r}")
        current.obsolete = current.obsolete or obsolete
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match:
            target = ("msgstr_plural", int(match.group(1)))
            current.msgstr_plural[target[1]] = ""
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            target = (keyword, None)
            if keyword in ("msgid_plural", "msgctxt"):
                setattr(current, keyword, "")
        else:
            raise ValueError(f"{path}: unknown keyword: {raw!r}")
        _append(current, target, _unquote(rest))
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    name, index = target
    if name == "msgstr_plural":
        entry.msgstr_plural[index] += text
    else:
        setattr(entry, name, (getattr(entry, name) or "") + text)


# %(name)s, %s, %d, %.1f, %% ... (no space flag: "80 % du temps" is French typography, not a format)
PERCENT = re.compile(r"%(?:\([^)]*\))?[#0+\-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsab%]")
BRACES = re.compile(r"\{[A-Za-z0-9_.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")
TAG = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")


def placeholders(text: str, entry: Entry) -> Counter:
    found: Counter = Counter()
    if "no-python-format" not in entry.flags:
        found.update(("%", p) for p in PERCENT.findall(text))
    found.update(("{}", p) for p in BRACES.findall(text))
    found.update(("<>", t.lower()) for t in TAG.findall(text))
    return found


def pairs(entry: Entry):
    """(msgid, msgstr) couples to compare: French uses msgstr[0] for 0 and 1, msgstr[1] above."""
    if entry.msgid_plural is None:
        yield entry.msgid, entry.msgstr, "msgstr"
    else:
        for index, text in sorted(entry.msgstr_plural.items()):
            yield (entry.msgid if index == 0 else entry.msgid_plural), text, f"msgstr[{index}]"


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_PATH.exists(), f"no French catalogue at {PO_PATH}"
    return [e for e in read_po(PO_PATH) if not e.obsolete]


def test_catalogue_has_entries(entries):
    assert len(entries) > 100, f"only {len(entries)} entries read from {PO_PATH}: is the reader broken?"


def test_no_entry_is_untranslated(entries):
    missing = [f"  {e.msgid!r} ({e.where})" for e in entries if not e.translated]
    assert not missing, (f"{len(missing)} untranslated entr{'y' if len(missing) == 1 else 'ies'} "
                         f"in {PO_PATH.name}:\n" + "\n".join(missing))


def test_no_entry_is_fuzzy(entries):
    fuzzy = [f"  {e.msgid!r} ({e.where})" for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, (f"{len(fuzzy)} fuzzy entr{'y' if len(fuzzy) == 1 else 'ies'} in {PO_PATH.name} "
                       "(check the translation, then remove the fuzzy flag):\n" + "\n".join(fuzzy))


def test_plural_entries_have_both_french_forms(entries):
    wrong = [f"  {e.msgid!r}: forms {sorted(e.msgstr_plural)}" for e in entries
             if e.msgid_plural is not None and sorted(e.msgstr_plural) != [0, 1]]
    assert not wrong, "plural entries need msgstr[0] and msgstr[1] (nplurals=2):\n" + "\n".join(wrong)


def test_translations_keep_the_placeholders(entries):
    wrong = []
    for entry in entries:
        for source, translation, name in pairs(entry):
            if not translation:
                continue  # reported by test_no_entry_is_untranslated
            expected, got = placeholders(source, entry), placeholders(translation, entry)
            if expected != got:
                lost = sorted(p for _, p in (expected - got).elements())
                added = sorted(p for _, p in (got - expected).elements())
                wrong.append(f"  {source!r} ({entry.where}) {name}: {translation!r}"
                             f" — lost {lost}, added {added}")
    assert not wrong, "translations that do not keep their placeholders:\n" + "\n".join(wrong)


def test_reader_handles_the_po_format(tmp_path):
    po = tmp_path / "t.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
                  '#: a.py:1\n#, fuzzy, python-format\nmsgid "A %(n)s"\nmsgstr "B %(n)s"\n\n'
                  '#: b.py:2\nmsgid ""\n"long "\n"\\"line\\""\nmsgstr ""\n\n'
                  'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s jour"\n'
                  'msgstr[1] ""\n\nmsgctxt "a "\n"context"\nmsgid "A %(n)s"\nmsgstr "C"\n\n'
                  '#~ msgid "old"\n#~ msgstr "vieux"\n', encoding="utf-8")
    got = _read_po(po)
    assert [(e.msgid, e.translated, "fuzzy" in e.flags, e.obsolete) for e in got] == [
        ("A %(n)s", True, True, False), ('long "line"', False, False, False),
        ("%(n)s day", False, False, False), ("A %(n)s", True, False, False),
        ("old", True, False, True)]
    assert [e.msgctxt for e in got] == [None, None, None, "a context", None]
    assert got[0].occurrences == ["a.py:1"] and got[2].msgid_plural == "%(n)s days"
    assert placeholders("95%% of %(n)s <b>", got[0]) == placeholders("<b>95 %% de %(n)s", got[0])
    assert placeholders("80 % du temps", got[0]) == Counter()


def test_msgfmt_accepts_the_catalogue():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed: only the Python checks above ran")
    run = subprocess.run([msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO_PATH)],
                         capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    assert run.returncode == 0, f"msgfmt --check failed:\n{run.stderr}"
    assert "fuzzy" not in run.stderr and "untranslated" not in run.stderr, run.stderr.strip()


def _key(entry: Entry) -> tuple[str | None, str, str | None]:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def _copy_sources(source: Path, target: Path) -> None:
    """The files makemessages reads (and the catalogue), not the fonts, images or compiled .mo."""
    def ignore(directory, names):
        return [n for n in names if n == "__pycache__" or (
            Path(directory, n).is_file() and Path(n).suffix not in SOURCE_EXTENSIONS | {".po"})]
    shutil.copytree(source, target, ignore=ignore)


def test_catalogue_has_every_msgid_of_the_code(tmp_path, settings, monkeypatch):
    """makemessages run on a copy of the source (it works on the current directory and writes
    to LOCALE_PATHS, both pointed at the copy): every msgid it extracts is in the catalogue."""
    lacking = [tool for tool in ("xgettext", "msgmerge", "msguniq") if shutil.which(tool) is None]
    if lacking:
        pytest.skip(f"gettext's {', '.join(lacking)} not installed: cannot extract the msgids "
                    "from the code as makemessages does")
    for tree in SOURCE_TREES:
        _copy_sources(REPO / tree, tmp_path / tree)
    copy_po = tmp_path / PO_PATH.relative_to(REPO)
    committed_bytes = PO_PATH.read_bytes()
    settings.LOCALE_PATHS = [copy_po.parents[2]]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["fr"], ignore_patterns=MAKEMESSAGES_IGNORE,
                 no_obsolete=True, verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())
    assert PO_PATH.read_bytes() == committed_bytes, "makemessages wrote to the repository"

    in_code = [e for e in read_po(copy_po) if not e.obsolete]
    assert len(in_code) > 100, f"only {len(in_code)} msgids extracted: did makemessages run?"
    committed = {_key(e) for e in read_po(PO_PATH) if not e.obsolete}
    missing = [f"  {e.msgid!r}" + (f" (context {e.msgctxt!r})" if e.msgctxt else "")
               + (f" / plural {e.msgid_plural!r}" if e.msgid_plural else "") + f" ({e.where})"
               for e in in_code if _key(e) not in committed]
    assert not missing, (
        f"{len(missing)} msgid{'' if len(missing) == 1 else 's'} in the code but not in "
        f"{PO_PATH.name} (run makemessages as the module docstring says, then translate):\n"
        + "\n".join(missing))
