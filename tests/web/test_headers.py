"""Security headers: a nonce-based Content-Security-Policy everywhere; personal-data responses are not cached."""

import re


def test_csp_forbids_inline_script_without_this_requests_nonce(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    page = response.content.decode()
    # every inline script on the page carries the nonce, and no inline event handler is left
    for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page):
        assert f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\son[a-z]+=\"", page)
    assert client.get("/accounts/login/")["Content-Security-Policy"] != csp  # a fresh nonce per request


def test_staff_pages_and_api_are_not_cached(login, client):
    login("analyst")
    for url in ("/", "/catalog/", "/api/catalog/datasets"):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store", url


def test_citizen_tracking_is_not_cached(client, db):
    assert client.get("/appeals/public/track/")["Cache-Control"] == "no-store"


def test_public_login_page_may_be_cached_normally(client, db):
    assert client.get("/accounts/login/").get("Cache-Control") != "no-store"


def test_every_inline_script_in_every_template_carries_the_nonce():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "zhongshu"
    bad = []
    for path in root.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            if 'nonce="{{ request.csp_nonce }}"' not in tag:
                bad.append(f"{path.relative_to(root)}: {tag}")
        if re.search(r"\son[a-z]+=\"", text) or "hx-on" in text:
            bad.append(f"{path.relative_to(root)}: inline event handler")
    assert not bad, bad
