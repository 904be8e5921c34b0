"""The registrations of a session: list, search, filters, counts, the caterer's summary and the CSV."""

import csv
import io
from pathlib import Path

import pytest

from sessie_app.organiser import services
from sessie_app.registration import services as registration_services
from sessie_app.textclean import spreadsheet_safe

LIST_URL = "/organisator/sessies/tilburg/aanmeldingen"
CSV_URL = "/organisator/sessies/tilburg/aanmeldingen.csv"


@pytest.fixture
def people(meetings, add_registration):
    """Five registrations for Tilburg (capacity lowered to 3), one cancelled and one erased."""
    tilburg = meetings["tilburg"]
    tilburg.capacity = 3
    from sessie_app.extensions import db

    db.session.commit()
    return {
        "ans": add_registration(
            tilburg,
            name="Ans de Vries",
            email="ans@school.nl",
            organisation="OBS De Regenboog",
            role="leraar",
            sector="PO",
            health_consent=True,
            dietary="Vegetarisch",
        ),
        "bert": add_registration(
            tilburg,
            name="Bert Öztürk",
            email="bert@uni.nl",
            organisation="Universiteit Tilburg",
            role="onderzoeker",
            sector="WO",
            health_consent=True,
            dietary="  vegetarisch ",
            accessibility="Rolstoeltoegankelijke plek",
        ),
        "carla": add_registration(
            tilburg,
            name="Carla Jansen",
            email="carla@roc.nl",
            organisation="ROC Tilburg",
            role="leraar",
            sector="MBO",
            meal=False,
            health_consent=True,
            dietary="Glutenvrij",
        ),
        "dirk": add_registration(
            tilburg,
            name="Dirk Wachter",
            email="dirk@vo.nl",
            organisation="Lyceum",
            role="schoolleider",
            sector="VO",
            health_consent=True,
            dietary="Halal",
        ),
        "eva": add_registration(
            tilburg,
            name="Eva Vertrokken",
            email="eva@po.nl",
            organisation="Basisschool",
            role="bestuurder",
            sector="PO",
        ),
    }


def names_in(html: str, people) -> set[str]:
    return {key for key, r in people.items() if r.name in html}


def test_list_shows_everyone_with_their_details(organiser_client, people):
    registration_services.cancel(people["eva"].id)
    html = organiser_client.get(LIST_URL).get_data(as_text=True)
    assert names_in(html, people) == {"ans", "bert", "carla", "dirk", "eva"}
    assert "ans@school.nl" in html and "OBS De Regenboog" in html and "Onderzoeker" in html
    assert "5 aanmeldingen getoond." in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=waitlisted", {"dirk", "eva"}),
        ("status=confirmed", {"ans", "bert", "carla"}),
        ("role=leraar", {"ans", "carla"}),
        ("sector=PO", {"ans", "eva"}),
        ("role=leraar&sector=MBO", {"carla"}),
        ("q=regenboog", {"ans"}),
        ("q=UNI.NL", {"bert"}),
        ("q=öZTÜRK", {"bert"}),
        ("q=tilburg", {"bert", "carla"}),
        ("q=%25", set()),
        ("status=bogus&role=piraat&sector=XX", {"ans", "bert", "carla", "dirk", "eva"}),
    ],
)
def test_list_filters_and_searches_case_insensitively(organiser_client, people, query, expected):
    response = organiser_client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    table = response.get_data(as_text=True).split('id="list-title"')[1].split('id="breakdown-title"')[0]
    assert names_in(table, people) == expected


def test_unknown_filter_values_are_ignored_and_shown_as_all(organiser_client, people):
    html = organiser_client.get(f"{LIST_URL}?status=bogus&role=leraar").get_data(as_text=True)
    assert '<option selected value="">Alle statussen</option>' in html
    assert '<option selected value="leraar">Leraar</option>' in html


def test_erased_registrations_count_but_are_not_listed(app, organiser_client, people):
    registration_services.delete_personal_data(people["ans"].id, Path(app.config["MAIL_OUTBOX_DIR"]))
    html = organiser_client.get(LIST_URL).get_data(as_text=True)
    assert "Ans de Vries" not in html and "ans@school.nl" not in html
    report = services.meeting_report(people["ans"].meeting_id)
    assert report.by_status == {"confirmed": 3, "waitlisted": 1, "cancelled": 1}  # Dirk moved up


def test_counts_by_status_role_sector_meals_and_attendance(organiser_client, people):
    registration_services.cancel(people["eva"].id)
    registration_services.set_checked_in(people["ans"].id, True)
    report = services.meeting_report(people["ans"].meeting_id)
    assert report.by_status == {"confirmed": 3, "waitlisted": 1, "cancelled": 1}
    assert report.by_role == {"leraar": 2, "onderzoeker": 1, "schoolleider": 1}
    assert report.by_sector == {"PO": 1, "VO": 1, "MBO": 1, "WO": 1}
    assert (report.checked_in, report.meals) == (1, 2)  # Carla does not eat; Dirk waits
    html = organiser_client.get(LIST_URL).get_data(as_text=True)
    stats = html.split('class="stats"')[1].split("</ul>")[0]
    assert "<strong>3</strong> bevestigd" in stats and "<strong>1</strong> aanwezig" in stats
    assert "<strong>2</strong> maaltijden" in stats
    assert 'Schoolleider</th><td class="num">1</td>' in html


def test_caterer_summary_groups_dietary_texts_without_names(organiser_client, people):
    # The summary has a page of its own (tests/organiser/test_caterer_page.py), linked from the list.
    assert "/organisator/sessies/tilburg/catering" in organiser_client.get(LIST_URL).get_data(as_text=True)
    html = organiser_client.get("/organisator/sessies/tilburg/catering").get_data(as_text=True)
    summary = html.split('id="main"')[1].split("</main>")[0]
    assert '<span class="count">2×</span> Vegetarisch' in summary
    assert '<span class="count">1×</span> Glutenvrij' in summary
    assert "Halal" not in summary  # Dirk is wait-listed: no meal for him yet
    assert "Rolstoeltoegankelijke plek" in summary
    for person in people.values():
        assert person.name not in summary and person.email not in summary


def test_dietary_needs_without_health_consent_are_never_stored_or_shown(organiser_client, meetings, add_registration):
    add_registration(meetings["tilburg"], name="Zonder Toestemming", dietary="Notenallergie", health_consent=False)
    assert "Notenallergie" not in organiser_client.get(LIST_URL).get_data(as_text=True)


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_has_the_filtered_list_without_health_data(organiser_client, people):
    response = organiser_client.get(f"{CSV_URL}?role=leraar")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "Naam",
        "E-mailadres",
        "Organisatie",
        "Rol",
        "Sector",
        "Status",
        "Eet mee",
        "Aangemeld op",
        "Aanwezig sinds",
    ]
    assert [row[0] for row in rows[1:]] == ["Ans de Vries", "Carla Jansen"]
    assert rows[2][1:7] == ["carla@roc.nl", "ROC Tilburg", "Leraar", "MBO", "Bevestigd", "nee"]
    body = response.get_data(as_text=True)
    for health in ("egetarisch", "Glutenvrij", "Rolstoel"):
        assert health not in body


def test_the_list_page_links_to_the_csv_with_the_same_filters(organiser_client, people):
    html = organiser_client.get(f"{LIST_URL}?q=ans&status=confirmed&role=bogus").get_data(as_text=True)
    assert 'href="/organisator/sessies/tilburg/aanmeldingen.csv?q=ans&amp;status=confirmed"' in html


def test_csv_cells_that_could_be_formulas_are_neutralised(organiser_client, meetings, add_registration):
    add_registration(
        meetings["tilburg"],
        name='=HYPERLINK("http://x")',
        organisation="+31 Instituut",
        email="-min@example.nl",
        health_consent=True,
        dietary="=cmd|' /C calc'!A0",
    )
    add_registration(meetings["tilburg"], name="@SUM(A1:A9)", organisation="\tTab BV")
    rows = read_csv(organiser_client.get(CSV_URL))
    assert rows[1][:3] == ['\'=HYPERLINK("http://x")', "'-min@example.nl", "'+31 Instituut"]
    assert rows[2][0] == "'@SUM(A1:A9)"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "calc" not in organiser_client.get(CSV_URL).get_data(as_text=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =1", "'  =1"),
        ("Jan = Piet", "Jan = Piet"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def test_group_texts_merges_case_and_spacing_and_keeps_the_common_spelling():
    groups = services.group_texts(
        ["Vegan", "vegan", " VEGAN ", "Geen  varkensvlees", "geen varkensvlees", "", None, "Vegan"]
    )
    assert groups == [services.TextCount("Vegan", 4), services.TextCount("Geen varkensvlees", 2)]
