"""The registration page renders the empty form's fields once per language and reuses them; what
one visitor typed or was told never reaches another's page."""

import pytest

from sessie_app import create_app
from sessie_app.registration import seed
from sessie_app.registration.views import EMPTY_FIELDS
from sessie_app.timeutil import today_local
from tests.helpers import VALID_REGISTRATION, post_form


@pytest.fixture
def site(app_config):
    """An app with no app context held open, so each request has its own locale and CSRF token."""
    app = create_app(app_config)
    with app.app_context():
        seed.seed(seed.load_file(seed.DEFAULT_FILE), today_local())
    return app


def test_a_visitors_input_and_errors_stay_on_their_own_page(site):
    first, second = site.test_client(), site.test_client()
    first.get("/sessies/utrecht")
    assert set(site.extensions[EMPTY_FIELDS]) == {"nl"}  # the empty form is kept

    refused = post_form(first, "/sessies/utrecht", {**VALID_REGISTRATION, "name": "Geheime Naam", "email": "fout"})
    assert "Geheime Naam" in refused.get_data(as_text=True) and "geldig e-mailadres" in refused.get_data(as_text=True)

    page = second.get("/sessies/utrecht").get_data(as_text=True)
    assert "Geheime Naam" not in page and "geldig e-mailadres" not in page
    assert first.get("/sessies/utrecht").get_data(as_text=True).count('name="csrf_token"') == 1


def test_each_language_gets_its_own_fields(site):
    client = site.test_client()
    dutch = client.get("/sessies/utrecht").get_data(as_text=True)
    client.get("/taal/en")
    english = client.get("/sessies/utrecht").get_data(as_text=True)
    assert "Lees de privacyverklaring" in dutch and "Lees de privacyverklaring" not in english
    assert set(site.extensions[EMPTY_FIELDS]) == {"nl", "en"}
