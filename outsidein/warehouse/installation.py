"""The interaction store of this installation: DATA_DIR/interactions, from Django's settings.

The one warehouse module that reads Django: the store itself, and the pure compliance engine
that lists its files, import nothing from Django.
"""

from pathlib import Path

from django.conf import settings


def default_root() -> Path:
    """The root of this installation's interaction store (settings are read at each call)."""
    return Path(settings.DATA_DIR) / "interactions"
