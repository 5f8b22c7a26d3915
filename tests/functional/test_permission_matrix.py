"""The permission matrix: every page and every API operation, called by every kind of person.

Routes come from the URL resolver (i18n patterns included) and operations from the OpenAPI
schema, so a new route is tested as soon as it exists: one that tests/functional/
matrix_routes.py does not describe fails here, asking to be added. Each is called (GET, and
each write with a valid payload) as an anonymous visitor, as each role of ministry A addressing
A's objects and B's, as ministry B's lead addressing A's, and as a user whose only role is over
an organization saved without the service (no tree path: it must grant nothing). Never a 500;
others' objects are 404 (or 422 when named in a body), a role lacking the permission gets 403
(the API may answer 404), anonymous visitors sign in (pages) or get 401 (API); a write outside
the caller's rights changes nothing of the ministry it addressed, in the database or in the
interaction store; no page or answer shows anything of a ministry outside the caller's scope.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.http import urlencode

from outsidein.accounts.models import Role
from outsidein.accounts.permissions import ROLE_PERMISSIONS, VIEW
from outsidein.accounts.services import api_token_create, membership_grant
from outsidein.api.api import api
from tests import factories
from tests.functional import matrix_routes as table
from tests.functional.scope_snapshot import differences, ministry_snapshot

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
# Addresses a regex pattern stands for (a route pattern's parameters come from the table).
REGEX_URLS = {"admin:app_list": "/admin/accounts/", "admin:None:(?P<url>.*)$": "/admin/nowhere/",
              "api:not-found": "/api/nowhere"}
# Routes whose cells fail until ownership of saved mappings and of record sources lands (the
# two critical findings of the Outside-In security review); strict, so the fix turns them green.
OWNERSHIP_FIX = pytest.mark.xfail(strict=True, reason="fixed by ownership branch")
EXPECTED_TO_FAIL: set[str] = set()


# ---- what exists --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    key: str  # route name with its namespace, or an operation id
    address: str  # the route pattern from the root, or the operation's path
    methods: tuple[str, ...] = ()  # an operation's method
    regex: bool = False


def resolver_routes() -> list[Found]:
    """Every URL pattern of the project, named "namespace:name" ("namespace:None:<pattern>"
    when unnamed); the API's operations are listed by `schema_operations`."""
    operation_ids = {op.key for op in schema_operations()}
    found: list[Found] = []

    def walk(resolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name if pattern.name else f"None:{pattern.pattern}"
                if namespace == "api" and name in operation_ids:
                    continue
                key = f"{namespace}:{name}" if namespace else name
                found.append(Found(key, "/" + prefix + str(pattern.pattern),
                                   regex=not hasattr(pattern.pattern, "_route")))

    walk(get_resolver(), "", "")
    return found


def schema_operations() -> list[Found]:
    """Every operation of the OpenAPI schema."""
    schema = api.get_openapi_schema()
    return [Found(op["operationId"], path, (method,))
            for path, ops in schema["paths"].items() for method, op in ops.items()]


def describe(found: Found) -> table.Route | None:
    if found.key.split(":")[0] == table.ADMIN_NAMESPACE:
        return table.Route(table.STAFF)
    return (table.OPERATIONS if found.methods else table.PAGE_ROUTES).get(found.key)


def address(found: Found, params: dict) -> str:
    if found.regex:
        return REGEX_URLS[found.key]
    if found.key.startswith(f"{table.ADMIN_NAMESPACE}:"):
        return re.sub(r"<[^>]+>", "1", found.address)
    url = found.address
    for name, value in params.items():
        url = re.sub(rf"<(?:\w+:)?{name}>|\{{{name}\}}", str(value), url)
    assert "<" not in url and "{" not in url, f"{found.key}: parameters left in {url}"
    return url


ROUTES = resolver_routes() + schema_operations()


def uncovered(routes: list[Found]) -> list[str]:
    """What to say about each route or operation the matrix does not describe."""
    return [f"new route {f.key} ({f.address}) is not covered by the permission matrix: add it "
            "to tests/functional/matrix_routes.py" for f in routes if describe(f) is None]


def test_every_route_and_operation_is_in_the_matrix():
    assert not uncovered(ROUTES), "\n".join(uncovered(ROUTES))
    keys = {f.key for f in ROUTES}
    stale = set(table.PAGE_ROUTES) - keys | set(table.OPERATIONS) - keys
    assert not stale, f"the matrix describes routes that no longer exist: {sorted(stale)}"
    # The operations the schema lists are the API's routes: nothing answers outside of them.
    assert {f.key for f in schema_operations()} == set(table.OPERATIONS)


def test_a_route_the_matrix_does_not_know_fails_it():
    new = [Found("staff:reports", "/staff/reports/"), Found("report_add", "/api/reports", ("post",))]
    assert uncovered(new) == [
        "new route staff:reports (/staff/reports/) is not covered by the permission matrix: add "
        "it to tests/functional/matrix_routes.py",
        "new route report_add (/api/reports) is not covered by the permission matrix: add it to "
        "tests/functional/matrix_routes.py"]
    # Whatever the admin registers is covered by the admin's one rule (superusers only).
    assert not uncovered([Found("admin:reports_report_add", "/admin/reports/report/add/")])


# ---- the world and the people -----------------------------------------------------------------

@dataclass
class Actor:
    label: str
    user: object | None
    permissions: frozenset[str]  # what the actor may do in its own ministry
    own: object | None  # the side (world.a / world.b) it holds a role over
    sides: tuple  # the sides it addresses
    foreign: tuple  # the sides none of whose data it may see
    page: Client = field(default=None)
    api: Client = field(default=None)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The shared world built once for the module (rolled back at its end), its people with a
    signed-in client and an API token each, and the interaction store it wrote."""
    data = tmp_path_factory.mktemp("matrix-world")
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data), transaction.atomic():
        world = factories.example_world()
        ghost_org = factories.pathless_organization("unplaced", parent=world.a.org)
        ghost = factories.person("ghost")
        for role in (Role.ADMINISTRATOR, Role.QUALITY_LEAD):
            membership_grant(user=ghost, organization=ghost_org, role=role)
        a, b = world.a, world.b
        actors = [Actor("anonymous", None, frozenset(), None, (a,), (a, b))]
        for role, user in world.personas.items():
            actors.append(Actor(f"A {role}", user, ROLE_PERMISSIONS[role], a, (a, b), (b,)))
        actors.append(Actor("B quality_lead", world.b_user,
                            ROLE_PERMISSIONS[Role.QUALITY_LEAD], b, (a,), (a,)))
        # A role over an organization without a tree path grants nothing anywhere.
        actors.append(Actor("unplaced lead", ghost, frozenset(), None, (a, b), (a, b)))
        for actor in actors:
            actor.page = Client()
            actor.api = Client()
            if actor.user is not None:
                actor.page.force_login(actor.user)
                _token, raw = api_token_create(user=actor.user, name="matrix")
                actor.api = Client(headers={"Authorization": f"Bearer {raw}"})
        markers = {side.org.code: _markers(side) for side in (a, b)}
        yield SimpleNamespace(world=world, actors=actors, data=data, markers=markers,
                              baseline={})
        transaction.set_rollback(True)


def _markers(side) -> list[str]:
    """Text that only a page or answer about this ministry shows."""
    return [side.org.name_en, side.org.name_fr, side.office.code, side.service.name_en,
            side.standard.code, side.draft_standard.code, side.calendar.name, side.mapping.name,
            side.source]


@pytest.fixture(autouse=True)
def _data_dir(matrix, db):
    """The world's interaction store, for every test of this module (rather than an empty one)."""
    with override_settings(DATA_DIR=matrix.data):
        yield


# ---- one call and what it must answer ---------------------------------------------------------

@dataclass
class Cell:
    found: Found
    route: table.Route
    actor: Actor
    side: object
    method: str
    write: table.Write | None
    language: str = ""  # a page under i18n_patterns is called in each language

    def __str__(self) -> str:
        side = (f" addressing {self.side.org.code}"
                if self.addresses or self.route.query is not None else "")
        language = f" in {self.language}" if self.language else ""
        return f"{self.method.upper()} {self.found.key}{language} as {self.actor.label}{side}"

    @property
    def addresses(self) -> bool:
        return self.route.params is not None or self.write is not None

    @property
    def own(self) -> bool:
        return self.side is self.actor.own

    @property
    def permission(self) -> str:
        return self.write.permission if self.write else self.route.read_permission

    def allowed(self) -> set[int]:
        """The statuses this call may answer."""
        kind, actor = self.route.kind, self.actor
        if self.found.key.startswith(f"{table.ADMIN_NAMESPACE}:"):
            return _admin_statuses(self)
        if kind in (table.PUBLIC, table.OPEN):
            return _open_statuses(self)
        if actor.user is None:
            return {302} if kind == table.STAFF else {401}
        if self.method == "get" and not self.route.read:
            return {405}
        may = self.permission in actor.permissions
        lacking = {403} if kind == table.STAFF or self.write else {403, 404}
        if not self.addresses:
            return set(self.route.answers) if may or self.permission == VIEW else lacking
        if self.own:
            if not may:
                return lacking
            return set(self.write.own_ok) if self.write else set(self.route.answers)
        refused = set(self.write.other_ok) if self.write else {404}
        return refused | ({403} if not may else set())


def _admin_statuses(cell: Cell) -> set[int]:
    """Nobody in the matrix is a superuser: the admin sends each to its sign-in page."""
    if cell.found.key == "admin:login":
        return {200}
    return {302}


def _open_statuses(cell: Cell) -> set[int]:
    if cell.method == "get":
        return set(cell.route.answers) if cell.route.read else {405}
    return {302}


# The admin answers every non-superuser alike: these stand for all of them there.
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
ADMIN_ACTORS = {"anonymous", f"A {Role.ADMINISTRATOR}"}


def cells(found: Found, matrix) -> list[Cell]:
    """Every call to make: each person, each method, each ministry it may address."""
    route = describe(found)
    admin = found.key.startswith(f"{table.ADMIN_NAMESPACE}:")
    # An operation's GET is only tried when it is one; a page that only writes must refuse GET.
    methods = [] if found.methods and not route.read else [("get", None)]
    methods += [(w.method, w) for w in route.writes]
    if admin:
        methods.append(("post", None))
    made = []
    for actor in matrix.actors:
        if admin and actor.label not in ADMIN_ACTORS:
            continue
        for method, write in methods:
            addressed = route.params is not None or write is not None or route.query is not None
            sides = actor.sides if addressed else (actor.own or matrix.world.a,)
            if route.kind in (table.PUBLIC, table.OPEN) or admin:
                sides = sides[:1]
            languages = LANGUAGES if found.address.startswith(f"/{LANGUAGES[0]}/") else ("",)
            made += [Cell(found, route, actor, side, method, write, language)
                     for side in sides for language in languages]
    return made


def perform(cell: Cell, matrix) -> list[str]:
    """Make the call; what is wrong with its answer and with what it changed."""
    world = matrix.world
    ctx = SimpleNamespace(world=world, side=cell.side, actor=cell.actor.user,
                          own=cell.actor.own)
    url = address(cell.found, cell.route.params(ctx) if cell.route.params else {})
    query = cell.route.query(ctx) if cell.route.query is not None and not cell.write else {}
    if query:
        url += "?" + urlencode(query)
    if cell.language:
        url = f"/{cell.language}/" + url.removeprefix(f"/{LANGUAGES[0]}/")
    api_call = cell.route.kind == table.API
    client = cell.actor.api if api_call else cell.actor.page
    if cell.write is not None and cell.route.kind == table.OPEN:
        client = Client()  # a language switch or sign-out must not change the shared clients
    problems: list[str] = []
    watched = _watched(cell, world)
    # Only a write that may change the interaction store gets a copy of it (and has its records
    # compared); any other call must leave the store's files as they are.
    touches = cell.write is not None and cell.write.touches_store
    payload = cell.write.payload(ctx) if cell.write else None
    with transaction.atomic():
        data_dir = _fresh_store(matrix) if touches else settings.DATA_DIR
        with override_settings(DATA_DIR=data_dir):
            files = _store_files(data_dir)
            before = {side.org.code: _baseline(matrix, side, touches) for side in watched}
            try:
                response = _call(client, cell, url, payload)
            except Exception as exc:  # noqa: BLE001 - any exception is a 500 to the caller
                transaction.set_rollback(True)
                return [f"{cell} ({url}): raised {exc!r}"]
            finally:
                client.cookies.pop("messages", None)  # a write's notice is not the next page's
            for side in watched:
                changed = differences(before[side.org.code], _snapshot(side, touches))
                if changed:
                    problems.append(f"{cell} ({url}) changed {side.org.code}: {changed}")
            if not touches and _store_files(data_dir) != files:
                problems.append(f"{cell} ({url}) changed the interaction store")
            if (cell.write is not None and cell.write.done is not None and cell.own
                    and cell.write.permission in cell.actor.permissions
                    and not cell.write.done(ctx)):
                problems.append(f"{cell} ({url}): the write did not take effect")
        transaction.set_rollback(True)
    status = response.status_code
    allowed = cell.allowed()
    if status not in allowed:
        problems.append(f"{cell} ({url}): {status}, expected {sorted(allowed)}")
    elif status == 302 and cell.actor.user is None and cell.route.kind == table.STAFF:
        login = ADMIN_LOGIN if cell.found.key.startswith("admin:") else LOGIN
        if cell.found.key == "admin:logout":
            login = "/admin/"  # signed out already: back to the admin, which asks to sign in
        if not response["Location"].startswith(login):
            problems.append(f"{cell}: redirects to {response['Location']}, not {login}")
    if cell.write is not None and api_call and status == 201 and not cell.own:
        body = response.json()
        if body.get("stored") or body.get("updated"):
            problems.append(f"{cell}: stored records for another ministry: {body}")
    problems += _leaks(cell, response, matrix, sent=f"{url} {payload!r} {query!r}")
    return problems


def _watched(cell: Cell, world) -> list:
    """The ministry a write must leave unchanged: the one it addresses when that is outside
    the caller's right to write, else the other one (a write must not spill over)."""
    if cell.write is None:
        return []
    may = cell.side is cell.actor.own and cell.write.permission in cell.actor.permissions
    if not may:
        return [cell.side]
    return [side for side in (world.a, world.b) if side is not cell.side]


def _baseline(matrix, side, records: bool) -> dict:
    """The ministry as every call finds it: each call is rolled back and a write that may touch
    the store gets a fresh copy of it, so the state before one write is the state before any."""
    key = (side.org.code, records)
    if key not in matrix.baseline:
        matrix.baseline[key] = _snapshot(side, records)
    return matrix.baseline[key]


def _snapshot(side, records: bool) -> dict:
    return ministry_snapshot(side.org, sources={side.source}, records=records)


def _store_files(root) -> list[tuple]:
    """The interaction store's files with their sizes and times (cheap to compare)."""
    folder = root / "interactions"
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _fresh_store(matrix):
    """A copy of the world's data directory, so that a write cannot leak into the next call."""
    copy = matrix.data.parent / f"{matrix.data.name}-cell-{next(_copies)}"
    shutil.copytree(matrix.data, copy)
    return copy


_copies = iter(range(10**9))


def _call(client: Client, cell: Cell, url: str, payload):
    if cell.write is None:
        return client.get(url) if cell.method == "get" else getattr(client, cell.method)(url)
    send = getattr(client, cell.write.method)
    if cell.write.body == "json":
        return send(url, payload, content_type="application/json")
    if cell.write.runs_tasks:
        with override_settings(TASKS=IMMEDIATE_TASKS):
            with TestCase.captureOnCommitCallbacks() as queued:
                response = send(url, payload)
            # Run the import the request queued; the recompute that the import queues in turn
            # is left out (the records are compared, and a recompute per call costs too much).
            for callback in queued:
                callback()
        return response
    return send(url, payload)


def _leaks(cell: Cell, response, matrix, *, sent: str) -> list[str]:
    """Text of a ministry outside the caller's scope, on a staff page or in an API answer
    (other than what the caller sent itself, which an answer may quote)."""
    if cell.route.kind not in (table.STAFF, table.API) or response.streaming:
        body = b"".join(response.streaming_content) if response.streaming else b""
    else:
        body = response.content
    if cell.route.kind not in (table.STAFF, table.API):
        return []
    text = body.decode("utf-8", "replace")
    found = [m for side in cell.actor.foreign for m in matrix.markers[side.org.code]
             if m in text and m not in sent]
    return [f"{cell}: shows {found}"] if found else []


# ---- the matrix ---------------------------------------------------------------------------------

def _param(found: Found):
    marks = [OWNERSHIP_FIX] if found.key in EXPECTED_TO_FAIL else []
    return pytest.param(found, id=found.key, marks=marks)


@pytest.mark.parametrize("found", [_param(f) for f in ROUTES])
def test_route_answers_each_person_within_their_scope(found, matrix):
    if describe(found) is None:
        pytest.fail(uncovered([found])[0])
    problems = [p for cell in cells(found, matrix) for p in perform(cell, matrix)]
    assert not problems, "\n".join(problems)


def test_a_standard_cannot_take_another_ministrys_calendar(matrix):
    """A write naming an object of another ministry in its body refuses it as no choice."""
    world = matrix.world
    lead = next(a for a in matrix.actors if a.user == world.a.lead)
    url = f"/api/standards/{world.a.standard.pk}"
    before = _snapshot(world.a, False)
    response = lead.api.patch(url, {"calendar": world.b.calendar.pk},
                              content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["calendar"]
    assert _snapshot(world.a, False) == before
    assert lead.api.patch(url, {"calendar": world.a.calendar.pk},
                          content_type="application/json").status_code == 200
