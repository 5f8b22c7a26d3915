"""The `outsidein` console script: each word names a Django management command, and the
command's own parser reads the rest of the line.

`outsidein inventory import FILE --format gc` runs the `inventory` command with
`import FILE --format gc`; `outsidein inventory --help` prints that command's help. Nothing
here restates a command's arguments: a new option of a command is an option of the script.
What the script adds is its exit codes and one-line errors: "outsidein: error: ..." with the
command's return code (1 unless it says otherwise), a hint when the database has no tables,
2 with the usage for a line the parser refuses, 130 on Ctrl-C.
"""

import argparse
import os
import sys

import django
from django.core.management import execute_from_command_line, get_commands, load_command_class
from django.core.management.base import CommandError
from django.db import DatabaseError

# Words of the script -> the management commands they run.
COMMANDS = {
    "demo": "demo",
    "serve": "serve",
    "inventory": "inventory",
    "standards": "standards",
    "import": "import_records",
    "compliance": "compliance",
}
# Django's own, handed whole to Django's command-line utility (its output and exit codes):
# word -> the argv it sees.
DJANGO = {
    "migrate": (["outsidein", "migrate"], "Create or update the database tables (Django's migrate)."),
    "manage": (["outsidein manage"],
               "Run any Django management command (`outsidein manage help` lists them)."),
}
DESCRIPTION = "Outside-In: service standards, compliance, feedback and client surveys."


def main(argv: list[str] | None = None) -> int:
    """Run one command; expected failures print one line and return a non-zero status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    word = argv[0] if argv else None
    # No `outsidein` module is imported here: the commands are found by name once Django is
    # set up, so this module imports nothing that needs the settings.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if word in DJANGO:
        # Every option of the Django command works as documented there.
        execute_from_command_line([*DJANGO[word][0], *argv[1:]])
        return 0
    if word not in COMMANDS:
        _parser().parse_args(argv[:1])  # the help (exit 0), or the usage error (exit 2)
        return 2
    return _run(word, argv[1:])


def _run(word: str, args: list[str]) -> int:
    name = COMMANDS[word]
    app = get_commands().get(name)
    if app is None:
        print(f"outsidein: error: the {name!r} command is not installed", file=sys.stderr)
        return 1
    command = load_command_class(app, name)
    # As `manage.py` runs a command (BaseCommand.run_from_argv): its parser prints the usage
    # and exits 2 on a line it refuses, and `outsidein WORD --help` is its help.
    command._called_from_command_line = True
    options = vars(command.create_parser("outsidein", word).parse_args(args))
    positional = options.pop("args", ())
    # As call_command runs it: no system checks before each command (`outsidein manage
    # check` runs them).
    options["skip_checks"] = True
    try:
        command.execute(*positional, **options)
    except CommandError as exc:
        if options.get("traceback"):
            raise
        print(f"outsidein: error: {exc}", file=sys.stderr)
        return getattr(exc, "returncode", 1) or 1
    except DatabaseError as exc:
        if options.get("traceback"):
            raise
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        missing_table = "no such table" in first_line or "does not exist" in first_line
        hint = " (has `outsidein migrate` been run?)" if missing_table else ""
        print(f"outsidein: database error: {first_line}{hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _parser() -> argparse.ArgumentParser:
    """The script's own usage: its words, each with its command's one-line help."""
    parser = argparse.ArgumentParser(
        prog="outsidein", description=DESCRIPTION,
        epilog="`outsidein COMMAND --help` shows the options of a command.")
    words = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    installed = get_commands()
    for word, name in COMMANDS.items():
        if name in installed:
            words.add_parser(word, add_help=False,
                             help=load_command_class(installed[name], name).help)
    for word, (_argv, summary) in DJANGO.items():
        words.add_parser(word, add_help=False, help=summary)
    return parser


if __name__ == "__main__":
    sys.exit(main())
