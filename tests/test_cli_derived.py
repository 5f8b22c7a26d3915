"""The `outsidein` script reads no grammar of its own: each word runs a management command
whose parser reads the rest of the line (ADR 0018)."""

import pytest
from django.core.management import get_commands, load_command_class

from outsidein.cli import COMMANDS, main


def test_every_word_runs_an_installed_command():
    installed = get_commands()
    assert {name for name in COMMANDS.values() if name not in installed} == set()


def test_a_commands_help_is_its_own_under_the_scripts_name(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["standards", "import", "--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("usage: outsidein standards import")
    # Options the script never declared: they are the command's.
    for option in ("--list-findings", "--report CSV", "--dry-run"):
        assert option in shown


def test_every_option_of_a_command_is_an_option_of_the_script(capsys):
    command = load_command_class(get_commands()["import_records"], "import_records")
    parser = command.create_parser("outsidein", "import")
    declared = {option for action in parser._actions for option in action.option_strings}
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    shown = capsys.readouterr().out
    assert {option for option in declared if option not in shown} == set()


def test_the_scripts_help_lists_each_word_with_its_commands_help(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for word in (*COMMANDS, "migrate", "manage"):
        assert f" {word} " in shown
    assert "Import or export the service inventory" in shown


@pytest.mark.parametrize("argv, message", [
    ([], "the following arguments are required: COMMAND"),
    (["bogus"], "invalid choice: 'bogus'"),
    (["inventory", "import", "file.csv"], "the following arguments are required: --format"),
])
def test_a_line_the_parsers_refuse_exits_2_with_the_usage(capsys, argv, message):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: outsidein") and message in err
