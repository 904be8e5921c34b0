"""The phone's first visit over a venue's Wi-Fi: small, and nothing from another host."""

import re

from sessie_app.board import services

BUDGET = 60 * 1024


def test_the_phone_page_with_its_styles_and_scripts_stays_under_60_kb_compressed(app, client):
    code = services.create_board("Zwolle").code
    page = client.get(f"/b/{code}", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"', html)
    assert {a for a in assets if a.endswith((".js", ".css"))} >= {
        "/static/css/app.css",
        "/static/js/board.js",
        "/static/vendor/socket.io.min.js",
    }
    # Every address the page loads is on this host: no CDN, no font service, no tracker.
    assert all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    assert not re.search(r'\s(?:src|srcset|action)="(?:https?:)?//', html)

    transferred = len(page.get_data())
    for asset in assets:
        if not asset.endswith((".js", ".css")):
            continue
        response = client.get(asset, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, asset
        # WhiteNoise sends the gzip copy `make assets` made; the body is what goes over the air.
        assert response.headers.get("Content-Encoding") == "gzip", asset
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        transferred += len(response.get_data())
        response.close()
    print(f"phone page: {transferred / 1024:.1f} kB transferred")
    assert transferred <= BUDGET
