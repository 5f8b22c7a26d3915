"""Running `outsidein` as a user runs it: a separate process with its own data directory and database."""

import os
import socket
import sys
from pathlib import Path

OUTSIDEIN = Path(sys.executable).parent / "outsidein"


def outsidein_env(data_dir: Path, database: Path) -> dict[str, str]:
    """The environment of an `outsidein` process on its own data directory and SQLite database."""
    env = dict(os.environ)
    env.update(OUTSIDEIN_DATA_DIR=str(data_dir), DATABASE_URL=f"sqlite:///{database}",
               DJANGO_SETTINGS_MODULE="config.settings", PYTHONUNBUFFERED="1")
    return env


def free_port() -> int:
    """A loopback port nothing listens on (free when asked; bind it promptly)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
