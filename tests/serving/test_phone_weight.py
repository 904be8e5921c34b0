"""The phone's first visit over a venue's Wi-Fi: small, and nothing from another host."""

import posixpath
import re

from sessie_app.board import services

BUDGET = 60 * 1024
# A static import of another of our modules: `import { x } from "./live.js";`
IMPORT = re.compile(r'^import\s[^;]*?\sfrom\s+"(\./[\w.-]+\.js)";', re.MULTILINE)


def imports_of(url: str, source: str) -> set[str]:
    return {posixpath.normpath(posixpath.join(posixpath.dirname(url), name)) for name in IMPORT.findall(source)}


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
    # The page names every module it will need, so a phone fetches them side by side instead of
    # learning of each one only when its importer has arrived.
    named = set(re.findall(r'<(?:script type="module" src|link rel="modulepreload" href)="([^"]+)"', html))

    transferred = len(page.get_data())
    waiting = sorted({a for a in assets if a.endswith((".js", ".css"))})
    loaded: set[str] = set()
    while waiting:
        asset = waiting.pop()
        if asset in loaded:
            continue
        loaded.add(asset)
        response = client.get(asset, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, asset
        # WhiteNoise sends the gzip copy `make assets` made; the body is what goes over the air.
        assert response.headers.get("Content-Encoding") == "gzip", asset
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        transferred += len(response.get_data())
        response.close()
        if asset in named:
            plain = client.get(asset)
            source = plain.get_data(as_text=True)
            plain.close()
            imported = imports_of(asset, source)
            assert imported <= named, f"{asset} imports {sorted(imported - named)}, which the page does not preload"
            waiting += sorted(imported)
    assert {"/static/js/live.js", "/static/js/pending.js", "/static/js/words.js"} <= loaded
    print(f"phone page: {transferred / 1024:.1f} kB transferred in {len(loaded) + 1} files")
    assert transferred <= BUDGET
