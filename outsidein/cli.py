"""The `outsidein` console script: a thin argparse front over Django management commands."""

import argparse
import os
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outsidein",
        description="Outside-In: service standards, compliance, feedback and client surveys.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    inventory = commands.add_parser("inventory", help="import or export the service inventory")
    actions = inventory.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = actions.add_parser("import", help="add or update services from a file")
    load.add_argument("file", help="CSV file to read")
    load.add_argument("--format", required=True, help="layout of the file: gc")
    load.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
    dump = actions.add_parser("export", help="write services to a file")
    dump.add_argument("file", help="CSV file to write")
    dump.add_argument("--format", required=True, help="layout of the file: gc")
    dump.add_argument("--organization", action="append", default=[], metavar="CODE",
                      help="only this organization and those beneath it (repeatable)")

    standards = commands.add_parser(
        "standards", help="import or export service standards with their reported results")
    actions = standards.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = actions.add_parser("import", help="add or update standards and results from a file")
    load.add_argument("file", help="CSV file to read")
    load.add_argument("--format", required=True, help="layout of the file: gc")
    load.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
    load.add_argument("--list-findings", action="store_true",
                      help="print every data-quality finding, not only the counts by code")
    load.add_argument("--report", metavar="CSV",
                      help="also write every rejected row and finding to this CSV file")
    dump = actions.add_parser("export", help="write fiscal-year results to a file")
    dump.add_argument("file", help="CSV file to write")
    dump.add_argument("--format", required=True, help="layout of the file: gc")
    dump.add_argument("--organization", action="append", default=[], metavar="CODE",
                      help="only this organization and those beneath it (repeatable)")
    dump.add_argument("--source", choices=["engine", "reported"],
                      help="only results of this source (default: all)")

    records = commands.add_parser(
        "import", help="import interaction records (CSV, XLSX, Parquet, JSON lines); "
                       "`import undo ID`; `import mapping FILE.json` saves a column mapping")
    records.add_argument("file", help="file to import, or 'undo', or 'mapping'")
    records.add_argument("import_id", nargs="?", help="the import to undo, or the mapping file")
    records.add_argument("--source", help="the source system the records come from")
    records.add_argument("--mapping", help="saved column mapping (default: the source's)")
    records.add_argument("--encoding", metavar="NAME",
                         help="a CSV file's encoding (utf-8, cp1252...), over detection")
    records.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
    records.add_argument("--yes", action="store_true", help="with undo: do it")

    serve = commands.add_parser("serve", help="serve the application on this machine")
    serve.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--no-worker", action="store_true",
                       help="start no task worker beside the server")

    demo = commands.add_parser("demo", help="load the demonstration organization")
    demo.add_argument("--reset", action="store_true", help="remove the demo data first")
    demo.add_argument("--records", type=int, metavar="N",
                      help="interaction records to generate (default 1,000,000)")
    demo.add_argument("--no-records", action="store_true", help="load no interaction records")

    migrate = commands.add_parser("migrate", help="create or update the database tables")
    migrate.add_argument("args", nargs=argparse.REMAINDER, help="options for Django's migrate")

    manage = commands.add_parser("manage", help="run any Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its options")

    compliance = commands.add_parser("compliance", help="compute compliance results")
    steps = compliance.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = steps.add_parser("run", help="measure standards over the interaction records")
    run.add_argument("--period", help="only cells inside it: 2025-Q3, 2025-07, 2025, FY2025-26")
    run.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"], help="default duckdb")
    run.add_argument("--standard", action="append", default=[], metavar="CODE",
                     help="only this standard (repeatable)")
    return parser


def _command_args(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The management command and arguments an `outsidein` command line stands for."""
    if args.command == "inventory":
        argv = [args.action, args.file, "--format", args.format]
        if args.action == "import" and args.dry_run:
            argv.append("--dry-run")
        for code in getattr(args, "organization", []):
            argv += ["--organization", code]
        return "inventory", argv
    if args.command == "standards":
        argv = [args.action, args.file, "--format", args.format]
        if args.action == "import":
            argv += [flag for flag, on in (("--dry-run", args.dry_run),
                                           ("--list-findings", args.list_findings)) if on]
            if args.report:
                argv += ["--report", args.report]
        else:
            for code in args.organization:
                argv += ["--organization", code]
            if args.source:
                argv += ["--source", args.source]
        return "standards", argv
    if args.command == "import":
        argv = [args.file] + ([args.import_id] if args.import_id else [])
        argv += ["--source", args.source] if args.source else []
        argv += ["--mapping", args.mapping] if args.mapping else []
        argv += ["--encoding", args.encoding] if args.encoding else []
        argv += ["--dry-run"] if args.dry_run else []
        return "import_records", argv + (["--yes"] if args.yes else [])
    if args.command == "serve":
        return "serve", ["--host", args.host, "--port", str(args.port),
                         *(["--no-worker"] if args.no_worker else [])]
    if args.command == "demo":
        argv = ["--reset"] if args.reset else []
        if args.records is not None:
            argv += ["--records", str(args.records)]
        return "demo", argv + (["--no-records"] if args.no_records else [])
    if args.command == "compliance":
        argv = [args.action, "--engine", args.engine] + (["--period", args.period] if args.period else [])
        return "compliance", argv + [a for code in args.standard for a in ("--standard", code)]
    raise ValueError(args.command)


def main(argv: list[str] | None = None) -> int:
    """Run one command; expected failures print one line and return a non-zero status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    passthrough = bool(argv) and argv[0] in ("migrate", "manage") and "-h" not in argv[:2]
    # argparse's REMAINDER drops leading options ("migrate --noinput"), so these skip it.
    args = None if passthrough else _parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command, execute_from_command_line, get_commands
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    if passthrough:
        # Every option of the Django command works as documented there.
        prefix = ["outsidein", "migrate"] if argv[0] == "migrate" else ["outsidein manage"]
        execute_from_command_line([*prefix, *argv[1:]])
        return 0

    name, command_args = _command_args(args)
    if name not in get_commands():
        print(f"outsidein: error: the {name!r} command is not installed", file=sys.stderr)
        return 1
    try:
        call_command(name, *command_args)
    except CommandError as exc:
        print(f"outsidein: error: {exc}", file=sys.stderr)
        return getattr(exc, "returncode", 1) or 1
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        missing_table = "no such table" in first_line or "does not exist" in first_line
        hint = " (has `outsidein migrate` been run?)" if missing_table else ""
        print(f"outsidein: database error: {first_line}{hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
