"""workdays stays pure: importing it loads neither Django nor another outsidein app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

PROBE = """
import sys
import outsidein.workdays
bad = sorted(
    m for m in sys.modules
    if m.split(".")[0] in {"django", "ninja"}
    or (m.startswith("outsidein.") and not m.startswith("outsidein.workdays"))
)
print(",".join(bad))
"""


def test_importing_workdays_loads_no_django_and_no_other_app():
    # A fresh interpreter: this test session itself has Django loaded by pytest-django.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
