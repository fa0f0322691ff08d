"""What the web process does on its own: styling fallback, cookies, CSRF, gateway outages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.entrypoints.http.account import _safe_next
from services.web.entrypoints.http.pages import humanise, time_ago
from services.web.settings import STATIC_SRC_DIR, WebSettings

UNREACHABLE_GATEWAY = "http://127.0.0.1:9/graphql"  # discard port: nothing answers


def _client(static_src_dir: Path) -> Iterator[TestClient]:
    settings = WebSettings(gateway_url=UNREACHABLE_GATEWAY, static_src_dir=static_src_dir)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield from _client(STATIC_SRC_DIR)


@pytest.fixture
def client_without_design_system(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path)


def _csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_without_the_design_system_the_pages_still_serve_with_plain_styling(
    client_without_design_system: TestClient,
) -> None:
    page = client_without_design_system.get("/sign-in")

    assert page.status_code == 200
    assert "/static/sgds/" not in page.text
    assert "/static/web/web.css" in page.text
    assert client_without_design_system.get("/static/web/web.css").status_code == 200
    assert client_without_design_system.app.state.design_system_available is False  # type: ignore[attr-defined]


def test_the_design_system_is_served_from_node_modules_when_installed(client: TestClient) -> None:
    if not (STATIC_SRC_DIR / "node_modules").is_dir():
        pytest.skip("run: npm ci --prefix services/web/static-src")
    page = client.get("/sign-in")
    css = client.get("/static/sgds/css/design-system.min.css")
    assert "/static/sgds/css/design-system.min.css" in page.text
    assert css.status_code == 200 and ".ds_button" in css.text


def test_the_session_cookie_is_http_only_secure_and_lax(client: TestClient) -> None:
    cookie = client.get("/sign-in").headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie


def test_a_post_without_the_sessions_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/sign-in")
    refused = client.post(
        "/sign-in", data={"email": "a@b.c", "password": "x", "csrf_token": "forged"}
    )
    assert refused.status_code == 403
    assert "Your form has expired" in refused.text


def test_missing_fields_are_reported_next_to_them_without_calling_the_gateway(
    client: TestClient,
) -> None:
    token = _csrf_token(client.get("/sign-in").text)
    page = client.post("/sign-in", data={"email": "", "password": "", "csrf_token": token})
    assert page.status_code == 422
    assert 'id="email-error"' in page.text and 'id="password-error"' in page.text
    assert 'aria-describedby="email-error" aria-invalid="true"' in page.text


def test_an_unreachable_gateway_gives_a_503_page_not_a_stack_trace(client: TestClient) -> None:
    page = client.get("/plan")
    assert page.status_code == 503
    assert "Sorry, there is a problem" in page.text and "Traceback" not in page.text
    assert page.headers["server-timing"].startswith("app;dur=")


def test_sign_in_only_returns_to_paths_on_this_site() -> None:
    assert _safe_next("/my-deliverables") == "/my-deliverables"
    assert _safe_next("//evil.example/") == "/find-services"
    assert _safe_next("https://evil.example/") == "/find-services"


def test_freshness_and_codes_read_as_words() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert time_ago(now - timedelta(days=95), now=now) == "3 months ago"
    assert time_ago(now - timedelta(days=1), now=now) == "1 day ago"
    assert time_ago(None) == "not recorded"
    assert humanise("justice-social-work") == "Justice social work"
    assert humanise("Glasgow Sheriff Court") == "Glasgow Sheriff Court"


def test_publishing_and_opening_rounds_refuse_a_form_without_the_csrf_token(
    client: TestClient,
) -> None:
    client.get("/sign-in")
    for path in ("/rounds/3/publish", "/rounds", "/my-deliverables/40"):
        refused = client.post(path, data={"name": "Update 9", "csrf_token": "forged"})
        assert refused.status_code == 403, path
        assert "Your form has expired" in refused.text


def test_round_pages_and_documents_ask_a_visitor_to_sign_in_first(client: TestClient) -> None:
    for path in ("/rounds", "/rounds/2", "/rounds/2/publish", "/rounds/2/document.md"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == f"/sign-in?next={path}"
