"""The authorisation matrix (issue #9): every route × every role → the expected answer.

Routes come from the URL configuration (UI, EPCIS, resolver, admin) and from the API's OpenAPI
schema (one per operation); the entries from `tests/security/routes/*.py`. A route without an
entry fails `test_every_route_has_an_entry`, so a new view cannot ship without a decision on who
may reach it. Each request runs in a savepoint that is rolled back, so an allowed POST leaves
nothing behind for the next role.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ocop.api import api

from . import matrix as m
from . import routes as routes_package
from .world import World, build_world

API_VERBS = ("get", "post", "put", "patch", "delete")
# Ninja's own URL names: the operations are checked one by one from the schema instead.
API_NAMESPACE = "api:"
API_PAGES = frozenset({"api:openapi-json", "api:openapi-view"})  # the schema and the docs page


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"?{prefix}{pattern.pattern}"
            found.append((f"{namespace}{name}", prefix + str(pattern.pattern)))
    return found


def ui_routes() -> set[str]:
    names = set()
    for name, _ in _walk(get_resolver().url_patterns):
        if name.startswith(API_NAMESPACE) and name not in API_PAGES:
            continue
        names.add(name)
    return names


def api_operations() -> set[str]:
    operations = set()
    for path, verbs in api.get_openapi_schema()["paths"].items():
        for verb in verbs:
            if verb in API_VERBS:
                operations.add(f"{verb.upper()} {path}")
    return operations


def _admin_entries() -> list[m.Entry]:
    """The admin site: the administrator reaches every page; everybody else is sent to the
    admin's sign-in page. Object pages take the first row of their model, if any."""
    entries = []
    models = {f"{mo._meta.app_label}_{mo._meta.model_name}": mo for mo in admin.site._registry}
    # Django's UserAdmin names its password page "auth_user_password_change" whatever the user
    # model is (ours is accounts.User)
    models["auth_user"] = get_user_model()
    for name, route in _walk(get_resolver().url_patterns):
        if not name.startswith("admin:"):
            continue
        granted = _admin_grants(name, models)
        special = ADMIN_SPECIAL.get(name)
        if special is not None:
            entries.append(special)
            continue
        if name.startswith("admin:?"):
            entries.append(_admin_nameless(name, route, models))
            continue
        entries.append(
            m.E(
                name,
                {m.ADMIN} if granted else set(),
                kwargs=_admin_kwargs(name, route, models),
                others=m.LOGIN,
                anonymous=m.LOGIN,
                expect={} if granted else {m.ADMIN: m.DENIED},
                hidden=False,
                method="post" if name == "admin:logout" else "get",
                note="" if granted else "the ModelAdmin refuses this action to everyone",
            )
        )
    return entries


# Admin pages whose answer is not "the administrator reaches it, everybody else signs in".
ADMIN_SPECIAL = {
    "admin:login": m.E("admin:login", m.EVERYONE, hidden=False),
    "admin:logout": m.E(
        "admin:logout",
        m.EVERYONE,
        method="post",
        hidden=False,
        note="signing out is harmless: Django's admin signs out whoever asks",
    ),
    "admin:autocomplete": m.E(
        "admin:autocomplete",
        set(),
        others=m.LOGIN,
        expect={m.ADMIN: m.DENIED},
        hidden=False,
        note="without app_label, model_name and field_name the admin answers 403",
    ),
    "admin:view_on_site": m.E(
        "admin:view_on_site",
        set(),
        kwargs=lambda w: _view_on_site(w),
        others=m.LOGIN,
        expect={m.ADMIN: m.DENIED},
        hidden=False,
        note="no model has a get_absolute_url: the admin links to the public pages itself",
    ),
}


def _view_on_site(world: World) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    product = world.product_a
    return {
        "content_type_id": ContentType.objects.get_for_model(product).pk,
        "object_id": str(product.pk),
    }


def _admin_nameless(name: str, route: str, models: dict[str, Any]) -> m.Entry:
    """The admin's unnamed patterns: "<model>/<pk>/" redirects to the change page; the catch-all
    answers 404 to the administrator."""
    if "<path:object_id>" in route:
        app_label, model_name = route.split("/")[1:3]
        model = models.get(f"{app_label}_{model_name}")

        def path(world: World) -> dict[str, Any]:
            row = model._default_manager.order_by("pk").first() if model is not None else None
            return {"__path__": "/" + route.replace("<path:object_id>", str(row.pk if row else 1))}

        return m.E(name, {m.ADMIN}, kwargs=path, others=m.LOGIN, hidden=False)
    return m.E(
        name,
        set(),
        kwargs=lambda w: {"__path__": "/" + route.split("(")[0] + "khong-co-trang-nay/"},
        others=m.LOGIN,
        expect={m.ADMIN: m.DENIED},
        hidden=False,
        note="the admin's catch-all: an unknown admin page",
    )


def _admin_grants(name: str, models: dict[str, Any]) -> bool:
    """Whether the admin site lets a superuser do this: writes of the domain go through the
    services, so many ModelAdmins refuse to add, change or delete."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    short, _, action = name.removeprefix("admin:").rpartition("_")
    model = models.get(short)
    if model is None:
        return True
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = type("Superuser", (AnonymousUser,), {})()
    request.user.is_active = request.user.is_staff = request.user.is_superuser = True
    request.user.has_perm = lambda *a, **k: True  # type: ignore[method-assign]
    if action == "add":
        return bool(model_admin.has_add_permission(request))
    if action == "delete":
        return bool(model_admin.has_delete_permission(request))
    return bool(
        model_admin.has_view_permission(request) or model_admin.has_change_permission(request)
    )


def _admin_kwargs(name: str, route: str, models: dict[str, Any]):
    def kwargs(world: World) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if "<app_label>" in route or "(?P<app_label>" in route:
            values["app_label"] = "accounts"
        if "object_id" in route or "<id>" in route or "(?P<id>" in route:
            short = name.removeprefix("admin:").removesuffix("_password_change")
            short = short.rsplit("_", 1)[0] if short != "auth_user" else short
            model = models.get(short)
            row = model._default_manager.order_by("pk").first() if model is not None else None
            key = "id" if "<id>" in route or "(?P<id>" in route else "object_id"
            values[key] = str(row.pk) if row is not None else "1"
        if "content_type_id" in route:
            from django.contrib.contenttypes.models import ContentType

            product = world.product_a  # has a public page (get_absolute_url)
            values["content_type_id"] = ContentType.objects.get_for_model(product).pk
            values["object_id"] = str(product.pk)
        return values

    return kwargs


def all_entries() -> dict[str, m.Entry]:
    entries: dict[str, m.Entry] = {}
    duplicates = []
    for info in pkgutil.iter_modules(routes_package.__path__):
        module = importlib.import_module(f"{routes_package.__name__}.{info.name}")
        for entry in module.ENTRIES:
            if entry.key in entries:
                duplicates.append(entry.key)
            entries[entry.key] = entry
    assert not duplicates, f"routes listed twice: {duplicates}"
    for entry in _admin_entries():
        entries.setdefault(entry.key, entry)
    return entries


ENTRIES = all_entries()


def test_every_route_has_an_entry():
    routes = ui_routes() | api_operations()
    missing = sorted(routes - set(ENTRIES))
    assert missing == [], "routes without an entry in tests/security/routes/: " + ", ".join(missing)


def test_every_entry_names_a_route():
    routes = ui_routes() | api_operations()
    assert sorted(set(ENTRIES) - routes) == []


def test_the_matrix_covers_the_roles_of_the_issue():
    assert len(m.ROLES) == 12
    assert len(ENTRIES) >= 690 - 130 + 127  # UI + admin + API operations at the time of writing


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module in a rolled-back transaction. Its files are stored in
    the module's own media folder (`world.media_root`), which `_world_media` gives every test:
    conftest's `_fast_and_isolated` points MEDIA_ROOT at each test's empty folder, where the
    world's photos and documents would be missing (and every download would answer 404)."""
    from ocop.criteria.services.importer import import_criteria
    from ocop.criteria.services.reading import QD26_FILE

    media_root = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=media_root):
            import_criteria(path=QD26_FILE)
            built = build_world()
        built.media_root = media_root
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _world_media(request, settings, _fast_and_isolated):
    """A test that uses the world reads and writes files in the world's media folder. It asks
    for conftest's `_fast_and_isolated` so that it runs after it (which sets MEDIA_ROOT to the
    test's own folder) and wins; `settings` restores MEDIA_ROOT after the test."""
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").media_root


# The routes that stream a stored file of the world (a photo, an evidence document).
FILE_ROUTES = (
    "products:photo",
    "GET /api/v1/products/{code}/photos/{file_code}",
    "catalog:photo",
    "evaluation:dossier_evidence_file",
    "GET /api/v1/dossiers/{code}/evidence/{file_code}",
)


@pytest.mark.django_db
def test_every_test_reads_the_worlds_media_folder(world, settings):
    from ocop.core.models import StoredFile
    from ocop.core.services.uploads import private_storage

    names = list(StoredFile.objects.values_list("storage_name", flat=True))
    storage = private_storage()
    missing = [name for name in names if not storage.exists(name)]
    assert (Path(settings.MEDIA_ROOT), len(names) >= 4, missing) == (world.media_root, True, [])


@pytest.mark.django_db
@pytest.mark.parametrize("key", FILE_ROUTES)
def test_a_stored_file_streams_whole_to_every_allowed_role(world, key):
    from ocop.core.models import StoredFile

    entry = ENTRIES[key]
    stored = StoredFile.objects.get(code=entry.kwargs(world)["file_code"])
    got = {}
    for role in sorted(entry.ok):
        with transaction.atomic():
            response = _send(entry, world, role, _url(entry, world))
            transaction.set_rollback(True)
        got[role] = (response.status_code, response.get("Content-Length"))
    assert got == dict.fromkeys(sorted(entry.ok), (200, str(stored.size)))


def _login_paths() -> tuple[str, ...]:
    return (reverse(settings.LOGIN_URL), reverse("admin:login"))


def _url(entry: m.Entry, world: World) -> str:
    kwargs = dict(entry.kwargs(world)) if entry.kwargs else {}
    if entry.is_api:
        path = entry.key.split(" ", 1)[1]
        for key, value in kwargs.items():
            path = path.replace("{" + key + "}", str(value))
        assert "{" not in path, f"{entry.key}: a path parameter has no value"
        url = path
    elif "__path__" in kwargs:
        url = kwargs["__path__"]  # an unnamed pattern
    else:
        url = reverse(entry.key, kwargs=kwargs or None)
    return url + entry.query


def _send(entry: m.Entry, world: World, role: str, url: str) -> Any:
    data = entry.data(world) if callable(entry.data) else entry.data
    if entry.is_api:
        verb = entry.key.split(" ", 1)[0].lower()
        client = Client()
        headers = {}
        if role != m.ANONYMOUS:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
        if verb in ("get", "delete"):
            response = getattr(client, verb)(url, **headers)
        elif isinstance(data, dict) and data.get("__multipart__"):
            form = {k: v for k, v in data.items() if k != "__multipart__"}
            response = client.post(url, form, **headers)
        else:
            body = data if isinstance(data, (str, bytes)) else m.body_of(data)
            response = getattr(client, verb)(url, body, content_type="application/json", **headers)
    else:
        client = world.clients[role]
        cookies = client.cookies
        client.cookies = type(cookies)(cookies)  # a view may log out or cycle the session
        try:
            # a GET, or a form
            response = client.get(url) if entry.method == "get" else client.post(url, data or {})
        finally:
            client.cookies = cookies
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def answer(entry: m.Entry, world: World, role: str) -> tuple[str, int]:
    url = _url(entry, world)
    with transaction.atomic():
        response = _send(entry, world, role, url)
        transaction.set_rollback(True)
    cache.clear()
    kind = m.classify(response, api=entry.is_api, login_paths=_login_paths())
    return kind, response.status_code


def _hidden(entry: m.Entry) -> bool:
    if entry.hidden is not None:
        return entry.hidden
    if entry.is_api:
        return "{" in entry.key
    return entry.kwargs is not None


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_route(world, key):
    entry = ENTRIES[key]
    got, expected = {}, {}
    for role in m.ROLES:
        kind, status = answer(entry, world, role)
        want = entry.expected(role)
        if want == m.FORBIDDEN and kind == m.DENIED and status == 403:
            kind = m.FORBIDDEN
        elif want == m.DENIED and kind == m.DENIED and _hidden(entry) and status != 404:
            kind = f"{status} (an existing object must look like 404)"
        got[role] = kind if kind == want else f"{kind} [{status}]"
        expected[role] = want
    assert got == expected, json.dumps(
        {r: (got[r], expected[r]) for r in m.ROLES if got[r] != expected[r]}, ensure_ascii=False
    )
