"""Real-browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

They run in `make test` on both databases. Chromium comes from Debian (`make system-deps`);
Playwright never downloads a browser of its own here. Without /usr/bin/chromium the tests are
skipped locally and fail under CI=true (a missing browser must not pass silently).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("OCOP_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _available() -> bool:
    return shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not _available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make system-deps`.")
        pytest.skip(f"Chromium is missing at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (fixtures, assertions) are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page, as a consumer in a shop or a member in the meeting room has."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label(vi("Username")).fill(username)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name=vi("Sign in")).click()
    page.wait_for_url("**/bang-dieu-khien/")


def sign_out(page) -> None:
    page.get_by_role("button", name=vi("Sign out")).click()
    page.wait_for_load_state()


def vi(msgid: str) -> str:
    """The Vietnamese text the page shows for an English msgid (labels, buttons)."""
    from django.utils import translation

    with translation.override("vi"):
        return str(translation.gettext(msgid))
