"""The API docs page (Swagger UI from django-ninja's own static files) works under the platform's
Content Security Policy, which has no 'unsafe-inline': Chromium renders the operations and reports
no violation."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_without_a_csp_violation(page):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto("/api/v1/docs")
    assert response is not None and response.status == 200
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy
    page.locator(".swagger-ui .info .title").wait_for()
    assert "OCOP Platform API" in page.locator(".swagger-ui .info .title").inner_text()
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    assert operations.count() > 50
    # expanding an operation draws with React's styles (element.style), not blocked
    page.locator(".opblock-summary").first.click()
    body = page.locator(".opblock-body").first
    body.wait_for()
    assert body.is_visible()
    # Chromium reports a blocked style or script as "Refused to … Content Security Policy …"
    assert violations == []
    # the control: an inline <style> is refused, and the listener hears it
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>b{}</style>')")
    assert len(violations) == 1 and "style" in violations[0]
