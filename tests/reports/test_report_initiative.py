"""The councils, the contact person and the plan's title are data (sessie_app/data/initiative.toml):
changed there, they change on the pages, in the mails and in the report, and no template holds them."""

from pathlib import Path

import pytest

from sessie_app import initiative
from tests.helpers import ROOT, VALID_REGISTRATION, create_test_app, outbox, post_form
from tests.reports.dataset import REPORT_URL
from tests.reports.test_report_pdf import pdf_text

OTHER = """
councils = ["Raad voor Proeven", "Bond van Testers"]

[contact]
name = "Piet Proefpersoon"
organisation = "Bond van Testers"
email = "vragen@testers.example"

[plan.title]
nl = "Proefplan voor de kennis van morgen"
en = "Trial Plan for Tomorrow's Knowledge"
"""
OTHER_COUNCILS = "Raad voor Proeven en Bond van Testers"


@pytest.fixture
def app_config(app_config, tmp_path):
    """The app made with the organiser's own data file instead of the one in sessie_app/data/."""
    path = tmp_path / "initiative.toml"
    path.write_text(OTHER, encoding="utf-8")
    return {**app_config, "INITIATIVE_FILE": str(path)}


def default_data() -> initiative.Initiative:
    return initiative.load(initiative.DEFAULT_FILE)


def test_the_default_data_names_universiteiten_van_nederland():
    data = default_data()
    assert "Universiteiten van Nederland" in data.councils and "VSNU" not in data.councils
    assert data.contact.email == "a.pansier@poraad.nl"


def test_no_template_names_a_council_or_the_contact():
    """One owner: a name in a template would not follow the data file."""
    data = default_data()
    names = [*data.councils, "VSNU", data.contact.name, data.contact.email, *data.plan_titles.values()]
    for template in (ROOT / "templates").rglob("*"):
        if template.is_file():
            text = template.read_text(encoding="utf-8")
            assert not [name for name in names if name in text], template


def test_the_names_from_the_data_file_on_the_pages(client, meetings, app_config):
    page = client.get("/privacy").get_data(as_text=True)
    assert f"Een initiatief van de sectorraden {OTHER_COUNCILS}." in page
    assert f"De sectorraden ({OTHER_COUNCILS}) organiseren" in page
    assert "Piet Proefpersoon (Bond van Testers)" in page and "mailto:vragen@testers.example" in page
    assert "VSNU" not in page and "Universiteiten van Nederland" not in page and "a.pansier" not in page

    # English words around them; the names of organisations stay as they are. A client of its own
    # app, as the one above holds an app context that keeps the first locale it saw.
    visitor = create_test_app(app_config).test_client()
    visitor.get("/taal/en")
    english = visitor.get("/sessies/tilburg").get_data(as_text=True)
    assert "An initiative of the sector councils Raad voor Proeven and Bond van Testers." in english


def test_the_plan_title_from_the_data_file_on_the_front_page(client, meetings, app_config):
    page = client.get("/").get_data(as_text=True)
    assert "Op weg naar een Proefplan voor de kennis van morgen." in page
    assert "Plan van Aanpak" not in page


def test_the_names_from_the_data_file_in_the_registration_mail(app, client, meetings):
    response = post_form(client, "/sessies/tilburg", VALID_REGISTRATION)
    assert response.status_code in (200, 302, 303)
    (mail,) = outbox(app)
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert OTHER_COUNCILS in body
        assert "Piet Proefpersoon (Bond van Testers)" in body and "vragen@testers.example" in body
        assert "VSNU" not in body and "Universiteiten van Nederland" not in body


def test_the_names_from_the_data_file_in_the_report(organiser_client, meetings, tmp_path: Path):
    target = tmp_path / "plan.pdf"
    target.write_bytes(organiser_client.get(f"{REPORT_URL}/alle.pdf").data)
    text = " ".join(pdf_text(target).split())  # the cover's title wraps
    assert "Proefplan voor de kennis van morgen" in text
    assert "Raad voor Proeven" in text and "Bond van Testers" in text
    assert "Plan van Aanpak Kennisinfrastructuur" not in text and "VSNU" not in text


def test_a_data_file_without_councils_stops_the_app_at_start(tmp_path):
    broken = tmp_path / "initiative.toml"
    broken.write_text(OTHER.replace('councils = ["Raad voor Proeven", "Bond van Testers"]', "councils = []"))
    with pytest.raises(initiative.InitiativeError):
        initiative.load(broken)
    broken.write_text(OTHER.split("[contact]")[0])
    with pytest.raises(initiative.InitiativeError, match="contact"):
        initiative.load(broken)
