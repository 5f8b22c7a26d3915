"""What each role may do: one table, checked by selectors and views alike."""

from outsidein.accounts.models import Role

VIEW = "view"
EDIT_SERVICES = "edit_services"
EDIT_STANDARDS = "edit_standards"
PUBLISH_STANDARDS = "publish_standards"
MANAGE_ORGANIZATION = "manage_organization"
MANAGE_CALENDARS = "manage_calendars"
# Import interaction records from files, undo an import, keep saved column mappings.
IMPORT_RECORDS = "import_records"

# Every role can read what is in its scope; writes are narrower.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset({VIEW, EDIT_SERVICES, EDIT_STANDARDS, PUBLISH_STANDARDS,
                                   MANAGE_ORGANIZATION, MANAGE_CALENDARS, IMPORT_RECORDS}),
    Role.QUALITY_LEAD: frozenset({VIEW, EDIT_SERVICES, EDIT_STANDARDS, PUBLISH_STANDARDS,
                                  MANAGE_CALENDARS, IMPORT_RECORDS}),
    Role.PROGRAM_MANAGER: frozenset({VIEW, EDIT_SERVICES, EDIT_STANDARDS}),
    Role.CASE_OFFICER: frozenset({VIEW}),
    Role.ANALYST: frozenset({VIEW, IMPORT_RECORDS}),
    Role.AUDITOR: frozenset({VIEW}),
    Role.EXECUTIVE: frozenset({VIEW}),
}
