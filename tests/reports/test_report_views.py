"""The organiser's report pages over HTTP: the review forms (one per group, prefixed "groep<ID>-",
and the loose form "los-"), each answering with a redirect to the review page (refusals too, with
a Dutch message on the page the browser ends on), the filters and pages, the one-click offers for
loose proposals, the JSON and CSV downloads."""

import csv
import html
import io
import json
import re

import pytest
from flask import current_app

from sessie_app.board import services as board_services
from sessie_app.board.models import OPPEREN
from sessie_app.extensions import db
from sessie_app.reports import services
from sessie_app.reports.models import GroupMember, ProposalGroup
from tests.helpers import LOGIN_URL, csrf_from
from tests.reports.dataset import (
    FORMULA,
    GROUPS_URL,
    KENNIS_TITLE,
    LOVE_TITLE,
    NICKNAME,
    PERSONAL,
    REPORT_URL,
    cid,
    json_group_of,
    json_member_ids,
)


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def form_token(client, prefix: str) -> str:
    """The CSRF token of the form with this prefix ("groep3", "los") on the review page."""
    page = client.get(GROUPS_URL)
    assert page.status_code == 200, page.status_code
    match = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no form {prefix} on the review page"
    return match.group(1)


def any_token(client) -> str:
    return csrf_from(client.get(GROUPS_URL).get_data(as_text=True))


def group_post(client, group_id, button: str | None, proposals=(), token: str | None = None, **fields):
    """Submit group ``group_id``'s form like a browser: its fields, the ticked proposals, one button."""
    prefix = f"groep{group_id}"
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    if token is not False:
        data[f"{prefix}-csrf_token"] = token or form_token(client, prefix)
    if button:
        data[f"{prefix}-{button}"] = "x"
    data["proposal"] = [str(p) for p in proposals]
    return client.post(f"{GROUPS_URL}/{group_id}", data=data)


def loose_post(client, button: str | None, proposals=(), token: str | None = None, **fields):
    data = {f"los-{name}": value for name, value in fields.items()}
    if token is not False:
        data["los-csrf_token"] = token or form_token(client, "los")
    if button:
        data[f"los-{button}"] = "x"
    data["proposal"] = [str(p) for p in proposals]
    return client.post(f"{GROUPS_URL}/los", data=data)


def stored() -> dict[int, tuple[str, bool, set[int]]]:
    # A title nobody chose is the one its members suggest, as the review shows it.
    shown = {g.id: g.title for g in services.review().groups}
    groups = {
        g.id: (g.title or shown.get(g.id), g.confirmed, set()) for g in db.session.scalars(db.select(ProposalGroup))
    }
    for member in db.session.scalars(db.select(GroupMember)):
        groups[member.group_id][2].add(member.proposal_id)
    db.session.rollback()  # the next request must see fresh rows
    return groups


def holding(proposal_id: int) -> int | None:
    member = db.session.get(GroupMember, proposal_id)
    found = member.group_id if member else None
    db.session.rollback()
    return found


@pytest.fixture
def reviewed(organiser_client, twins):
    """The suggestion made through the button; returns (client, data, kennis group, loket group)."""
    response = organiser_client.post(f"{GROUPS_URL}/voorstellen", data={"csrf_token": any_token(organiser_client)})
    assert response.status_code == 303 and response.headers["Location"].endswith(GROUPS_URL)
    kennis, loket = holding(twins.p["P7"]), holding(twins.p["P11"])
    assert kennis and loket and kennis != loket
    return organiser_client, twins, kennis, loket


def redirected_to(response, anchor: str, query: str = "") -> bool:
    """A See Other to the review page (with ``query``, the filters it came with) at ``anchor``."""
    return response.status_code == 303 and response.headers["Location"].endswith(f"{GROUPS_URL}{query}#{anchor}")


def redirected_to_group(response, group_id) -> bool:
    return redirected_to(response, f"groep-{group_id}")


def refused_with(response, client, message: str, anchor: str) -> bool:
    """Refused the Post/Redirect/Get way: back to the review page, with the message in the place the
    redirect scrolls to (``anchor``: a group's card, the loose list)."""
    if response.status_code != 303 or not response.headers["Location"].endswith(f"#{anchor}"):
        return False
    page = client.get(response.headers["Location"])
    part = re.search(rf'id="{anchor}".*', page.get_data(as_text=True), re.DOTALL)
    return page.status_code == 200 and part is not None and message in html.unescape(part.group(0))


# --- pages ------------------------------------------------------------------------------------------


def test_the_index_offers_every_download_and_the_review(organiser_client, dataset):
    response = organiser_client.get(f"{REPORT_URL}/")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = page_text(response)
    for scope in ("alle", "amsterdam", "zwolle", "tilburg", "den-haag", "utrecht"):
        for extension in ("pdf", "csv", "json"):
            assert f'href="{REPORT_URL}/{scope}.{extension}"' in page
    assert f'href="{REPORT_URL}/alle.json?groepering=suggestie"' in page
    assert f'href="{GROUPS_URL}"' in page
    assert "2 geaccepteerde groepen" in page and "8 voorstellen in totaal" in page


def test_the_suggestion_button_fills_the_review_page(reviewed):
    client, data, kennis, loket = reviewed
    page = page_text(client.get(GROUPS_URL))
    considered = 10
    created = len(stored())
    assert f"{created} groepen voorgesteld uit {considered} voorstellen" in page
    for group_id in (kennis, loket):
        for name in ("title", "target", "confirm", "dissolve", "remove", "move"):
            assert f'name="groep{group_id}-{name}"' in page
        assert f'name="groep{group_id}-rename"' not in page  # only for accepted groups
    for key in ("P7", "P8", "P11", "P12"):
        assert f'name="proposal" value="{data.p[key]}"' in page
    assert 'name="los-create"' in page and 'name="los-target"' in page
    assert f"{created} suggesties" in page


def test_accepting_a_group_with_a_new_title_puts_it_in_the_report(reviewed):
    client, data, kennis, _loket = reviewed
    response = group_post(client, kennis, "confirm", title="  Een kenniscentrum per regio ")
    assert redirected_to_group(response, kennis)
    assert stored()[kennis] == ("Een kenniscentrum per regio", True, {data.p["P7"], data.p["P8"]})
    page = page_text(client.get(GROUPS_URL))
    assert f"Groep {kennis} geaccepteerd: die komt zo in het rapport." in page
    assert f'name="groep{kennis}-rename"' in page and f'name="groep{kennis}-reopen"' in page
    report = json.loads(client.get(f"{REPORT_URL}/alle.json").data)
    assert json_group_of(report, data.p["P7"])["title"] == "Een kenniscentrum per regio"
    assert json_member_ids(json_group_of(report, data.p["P11"])) == [data.p["P11"]]  # still a suggestion


def test_rename_and_reopen_through_the_form(reviewed):
    client, _data, kennis, _loket = reviewed
    group_post(client, kennis, "confirm", title="Eerste titel")
    assert redirected_to_group(group_post(client, kennis, "rename", title="Tweede titel"), kennis)
    assert stored()[kennis][:2] == ("Tweede titel", True)
    assert "Opgeslagen." in page_text(client.get(GROUPS_URL))
    assert redirected_to_group(group_post(client, kennis, "reopen", title="Tweede titel"), kennis)
    assert stored()[kennis][:2] == ("Tweede titel", False)


def test_taking_a_proposal_out_of_a_pair_dissolves_it(reviewed):
    client, data, kennis, loket = reviewed
    response = group_post(client, kennis, "remove", proposals=[data.p["P7"]], title=KENNIS_TITLE)
    assert redirected_to_group(response, kennis)
    groups = stored()
    assert kennis not in groups and loket in groups
    page = page_text(client.get(GROUPS_URL))
    assert "1 voorstel uit de groep gehaald." in page
    assert f'id="los-p{data.p["P7"]}"' in page and f'id="los-p{data.p["P8"]}"' in page


def test_moving_a_proposal_to_another_group(reviewed):
    client, data, kennis, loket = reviewed
    response = group_post(client, kennis, "move", proposals=[data.p["P8"]], target=str(loket), title=KENNIS_TITLE)
    assert redirected_to_group(response, kennis)
    groups = stored()
    assert kennis not in groups
    assert groups[loket][2] == {data.p["P11"], data.p["P12"], data.p["P8"]}
    assert "1 voorstel verplaatst." in page_text(client.get(GROUPS_URL))


def test_enter_in_a_text_field_saves_or_moves_never_takes_out(reviewed):
    # Enter presses the form's first button, the hidden "enter": with a group number it moves, else it saves.
    client, data, kennis, loket = reviewed
    response = group_post(client, kennis, "enter", proposals=[data.p["P7"]], title="Met Enter getypt")
    assert redirected_to_group(response, kennis)
    assert stored()[kennis] == ("Met Enter getypt", False, {data.p["P7"], data.p["P8"]})
    response = group_post(client, loket, "enter", proposals=[data.p["P11"]], target=str(kennis), title="")
    assert redirected_to_group(response, loket)
    assert holding(data.p["P11"]) == kennis
    response = loose_post(client, "enter", proposals=[data.p["P12"]], target=str(kennis))
    assert redirected_to(response, "los") and holding(data.p["P12"]) == kennis
    loose = [q.id for q in services.review().ungrouped][:2]
    response = loose_post(client, "enter", proposals=loose, title="Nieuw met Enter")
    assert redirected_to(response, "los") and stored()[holding(loose[0])][:2] == ("Nieuw met Enter", True)


def test_dissolving_a_suggestion(reviewed):
    client, _data, kennis, loket = reviewed
    response = group_post(client, kennis, "dissolve", title=KENNIS_TITLE)
    assert response.status_code == 303 and response.headers["Location"].endswith(GROUPS_URL)
    assert kennis not in stored() and loket in stored()
    assert f"Groep {kennis} opgeheven: elk voorstel staat weer los." in page_text(client.get(GROUPS_URL))


def test_a_new_group_from_loose_proposals_and_adding_to_it(organiser_client, twins):
    p = twins.p
    response = loose_post(organiser_client, "create", proposals=[p["P7"], p["P8"]], title="Kenniscentra")
    group_id = holding(p["P7"])
    assert group_id and redirected_to(response, "los")
    assert stored()[group_id] == ("Kenniscentra", True, {p["P7"], p["P8"]})
    assert f"Nieuwe groep {group_id} gemaakt en geaccepteerd." in page_text(organiser_client.get(GROUPS_URL))

    response = loose_post(organiser_client, "add", proposals=[p["P11"]], target=str(group_id))
    assert redirected_to(response, "los")
    assert stored()[group_id][2] == {p["P7"], p["P8"], p["P11"]}
    assert f"Voorstellen toegevoegd aan groep {group_id}." in page_text(organiser_client.get(GROUPS_URL))

    untitled = loose_post(organiser_client, "create", proposals=[p["P1"], p["P2"]], title="")
    assert untitled.status_code == 303
    assert stored()[holding(p["P1"])][:2] == ("Open access tot tijdschriften voor alle leraren", True)


def test_a_second_suggestion_keeps_what_was_accepted(reviewed):
    client, data, kennis, _loket = reviewed
    group_post(client, kennis, "confirm", title="Nagekeken")
    response = client.post(f"{GROUPS_URL}/voorstellen", data={"csrf_token": any_token(client)})
    assert response.status_code == 303
    assert stored()[kennis] == ("Nagekeken", True, {data.p["P7"], data.p["P8"]})
    assert holding(data.p["P11"]) is not None
    assert "uit 8 voorstellen" in page_text(client.get(GROUPS_URL))
    # From a filtered page, the new suggestion comes back to that filter.
    page = client.get(f"{GROUPS_URL}?thema=kenniscentra").get_data(as_text=True)
    assert f'action="{GROUPS_URL}/voorstellen?thema=kenniscentra"' in page
    response = client.post(f"{GROUPS_URL}/voorstellen?thema=kenniscentra", data={"csrf_token": csrf_from(page)})
    assert response.headers["Location"].endswith(f"{GROUPS_URL}?thema=kenniscentra")


def test_titles_from_participants_are_escaped_on_the_review_page(organiser_client, twins):
    with current_app.test_request_context():
        board_services.set_phase(twins.zwolle.id, OPPEREN, None)
        board_services.add_proposal(twins.people["Z1"].id, cid(), '<script>alert("x")</script><b>vet</b>')
    raw = organiser_client.get(GROUPS_URL).get_data(as_text=True)
    assert "<script>alert" not in raw and "<b>vet</b>" not in raw
    assert "&lt;script&gt;alert(" in raw


# --- refusals ---------------------------------------------------------------------------------------

BAD_GROUP_INPUT = [
    # (button, fields, ticked proposal keys, message)
    ("move", {"target": "abc"}, ["P7"], "Kies een groepsnummer uit de lijst."),
    ("move", {"target": "0"}, ["P7"], "Kies een groepsnummer uit de lijst."),
    ("move", {"target": ""}, ["P7"], "Vul het nummer in van de groep waar de voorstellen heen moeten."),
    ("move", {"target": "98765"}, ["P7"], "Deze groep bestaat niet meer. Vernieuw de pagina."),
    ("move", {"target": "LOKET"}, [], "Kies eerst een of meer voorstellen."),
    ("move", {"target": "LOKET"}, ["P4"], "Dit voorstel bestaat niet meer of is verborgen."),
    ("remove", {}, [], "Kies eerst een of meer voorstellen."),
    ("remove", {}, ["abc"], "Kies voorstellen uit de lijst."),
    ("remove", {}, ["P1"], "Deze voorstellen zitten niet (meer) in deze groep."),
    ("confirm", {"title": "x" * 141}, [], "Gebruik hoogstens 140 tekens."),
    ("rename", {"title": "x" * 141}, [], "Gebruik hoogstens 140 tekens."),
    (None, {}, [], "Kies wat er met de groep moet gebeuren."),
]


def test_bad_input_for_a_group_says_what_is_wrong_on_the_review_page(reviewed):
    client, data, kennis, loket = reviewed
    before = stored()
    wrong = []
    for button, fields, ticked, message in BAD_GROUP_INPUT:
        fields = {"title": KENNIS_TITLE, **fields}
        if fields.get("target") == "LOKET":
            fields["target"] = str(loket)
        proposals = [data.p.get(key, key) for key in ticked]
        response = group_post(client, kennis, button, proposals=proposals, **fields)
        if not refused_with(response, client, message, f"groep-{kennis}") or stored() != before:
            wrong.append((button, fields, ticked, response.status_code, message))
    assert wrong == []


def test_an_unknown_group_is_refused_with_a_dutch_message(reviewed):
    client, _data, _kennis, _loket = reviewed
    before = stored()
    for button in ("confirm", "rename", "dissolve", "reopen"):
        response = group_post(client, 98765, button, token=any_token(client), title="Titel")
        assert response.status_code == 303
        # The group is not on the page, so the message is at its top.
        assert "Deze groep bestaat niet meer. Vernieuw de pagina." in page_text(
            client.get(response.headers["Location"])
        )
    assert client.post(f"{GROUPS_URL}/abc", data={"csrf_token": any_token(client)}).status_code == 404
    assert stored() == before


def test_a_group_that_is_gone_with_a_bad_field_still_says_what_is_wrong(reviewed):
    client, data, _kennis, _loket = reviewed
    explained = ("Kies een groepsnummer uit de lijst.", "Gebruik hoogstens 140 tekens.", "Deze groep bestaat niet meer")
    for button, fields in (("move", {"target": "abc"}), ("confirm", {"title": "x" * 141})):
        response = group_post(client, 98765, button, token=any_token(client), proposals=[data.p["P7"]], **fields)
        assert response.status_code == 303
        page = page_text(client.get(response.headers["Location"]))
        assert any(message in page for message in explained), button


HUGE = "99999999999999999999"  # beyond a 64-bit integer


def test_a_number_too_big_for_the_database_is_refused_not_a_500(reviewed, app):
    client, data, kennis, loket = reviewed
    app.config["PROPAGATE_EXCEPTIONS"] = False  # see the status a browser would get
    before = stored()
    statuses = [
        group_post(client, kennis, "move", proposals=[data.p["P7"]], target=HUGE, title=KENNIS_TITLE).status_code,
        group_post(client, kennis, "move", proposals=[HUGE], target=str(loket), title=KENNIS_TITLE).status_code,
        group_post(client, kennis, "remove", proposals=[HUGE], title=KENNIS_TITLE).status_code,
        group_post(client, HUGE, "confirm", token=any_token(client), title="Titel").status_code,
        loose_post(client, "create", proposals=[data.p["P1"], HUGE]).status_code,
        loose_post(client, "add", proposals=[data.p["P1"]], target=HUGE).status_code,
    ]
    assert statuses == [303] * 6
    assert stored() == before


def test_a_form_without_csrf_token_is_refused(reviewed):
    client, data, kennis, _loket = reviewed
    before = stored()
    message = "Het formulier was verlopen of niet compleet."
    for response in (
        group_post(client, kennis, "confirm", token=False, title="Zonder token"),
        group_post(client, kennis, "dissolve", token="vervalst", title=KENNIS_TITLE),
        loose_post(client, "create", token=False, proposals=[data.p["P1"], data.p["P2"]]),
        client.post(f"{GROUPS_URL}/voorstellen", data={}),
    ):
        assert response.status_code == 400
        assert message in page_text(response)
    assert stored() == before


BAD_LOOSE_INPUT = [
    ("create", {}, ["P1"], "Kies minstens twee voorstellen voor een groep."),
    ("create", {}, [], "Kies eerst een of meer voorstellen."),
    ("create", {"title": "y" * 141}, ["P1", "P2"], "Gebruik hoogstens 140 tekens."),
    ("create", {}, ["P1", "P4"], "Dit voorstel bestaat niet meer of is verborgen."),
    ("add", {"target": "abc"}, ["P1"], "Kies een groepsnummer uit de lijst."),
    ("add", {}, ["P1"], "Vul het nummer in van de groep waar de voorstellen bij moeten."),
    ("add", {"target": "98765"}, ["P1"], "Deze groep bestaat niet meer. Vernieuw de pagina."),
    (None, {}, ["P1", "P2"], "Kies wat er met de voorstellen moet gebeuren."),
]


def test_bad_input_for_loose_proposals_says_what_is_wrong_on_the_review_page(organiser_client, twins):
    wrong = []
    for button, fields, ticked, message in BAD_LOOSE_INPUT:
        response = loose_post(organiser_client, button, proposals=[twins.p[key] for key in ticked], **fields)
        if not refused_with(response, organiser_client, message, "los") or stored() != {}:
            wrong.append((button, fields, ticked, response.status_code, message))
    assert wrong == []


def field_value(page: str, name: str) -> str | None:
    """The value an input with this name shows on the page (None: no such input, or no value)."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return html.unescape(value.group(1)) if value else None


def test_what_was_typed_into_a_refused_form_is_on_the_page_again(reviewed):
    client, data, kennis, _loket = reviewed
    typed = "Kennis dichtbij <de> school & bestuur"
    # Saving a title while pressing "take out" with nothing ticked: refused, and the title not lost.
    response = group_post(client, kennis, "remove", title=typed, target="12")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kies eerst een of meer voorstellen." in html.unescape(page)
    assert field_value(page, f"groep{kennis}-title") == typed
    assert field_value(page, f"groep{kennis}-target") == "12"
    # Once: the next page shows the group as stored again.
    again = client.get(GROUPS_URL).get_data(as_text=True)
    assert field_value(again, f"groep{kennis}-title") != typed

    response = loose_post(client, "create", proposals=[data.p["P1"]], title="Mijn eigen groep")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kies minstens twee voorstellen voor een groep." in page
    assert field_value(page, "los-title") == "Mijn eigen groep"
    assert field_value(page, f"groep{kennis}-title") != typed


def test_a_loose_proposal_already_in_a_group_cannot_start_another(organiser_client, twins):
    p = twins.p
    loose_post(organiser_client, "create", proposals=[p["P7"], p["P8"]])
    before = stored()
    response = loose_post(organiser_client, "create", proposals=[p["P8"], p["P11"]])
    assert refused_with(
        response, organiser_client, "Een van deze voorstellen zit al in een groep; haal het daar eerst uit.", "los"
    )
    assert stored() == before


# --- after an action: back where the organiser was -------------------------------------------------


def test_the_addresses_forms_post_to_lead_back_to_the_review_page(reviewed):
    client, data, kennis, _loket = reviewed
    query = "?sessie=tilburg&pagina=2"
    for address, anchor in (
        (f"{GROUPS_URL}/{kennis}", f"#groep-{kennis}"),
        (f"{GROUPS_URL}/98765", "#groep-98765"),
        (f"{GROUPS_URL}/los", "#los"),
        (f"{GROUPS_URL}/los/{data.p['P1']}/bij/{kennis}", "#los"),
        (f"{GROUPS_URL}/voorstellen", ""),
    ):
        response = client.get(address + query)
        assert response.status_code == 303, address
        assert response.headers["Location"].endswith(f"{GROUPS_URL}{query}{anchor}"), address
        assert client.get(address + query, follow_redirects=True).status_code == 200


def test_a_refusal_ends_on_the_review_page_with_the_filters_and_a_reload_is_harmless(reviewed):
    client, _data, kennis, _loket = reviewed
    query = "?thema=kenniscentra"
    token = form_token(client, f"groep{kennis}")
    response = client.post(
        f"{GROUPS_URL}/{kennis}{query}",
        data={f"groep{kennis}-csrf_token": token, f"groep{kennis}-remove": "x"},
        follow_redirects=True,
    )
    assert response.status_code == 200 and response.request.path == GROUPS_URL
    assert response.request.query_string == b"thema=kenniscentra"
    card = page_text(response).split(f'id="groep-{kennis}"')[1].split("</li>")[0]
    assert "Kies eerst een of meer voorstellen." in card
    # The message is shown once; the browser's reload of the page it ended on changes nothing.
    again = client.get(f"{GROUPS_URL}{query}")
    assert again.status_code == 200 and "Kies eerst een of meer voorstellen." not in page_text(again)


def test_accepting_goes_on_to_the_next_group_on_the_page(reviewed):
    client, _data, kennis, loket = reviewed
    response = group_post(client, kennis, "confirm", title=KENNIS_TITLE, volgende=None)
    assert redirected_to_group(response, kennis)
    token = form_token(client, f"groep{loket}")
    response = client.post(
        f"{GROUPS_URL}/{loket}?toon=suggesties",
        data={f"groep{loket}-csrf_token": token, f"groep{loket}-confirm": "x", "volgende": str(kennis)},
    )
    assert redirected_to(response, f"groep-{kennis}", "?toon=suggesties")
    for forged in ("abc", "-3", ""):
        token = form_token(client, f"groep{kennis}")
        response = client.post(
            f"{GROUPS_URL}/{kennis}",
            data={f"groep{kennis}-csrf_token": token, f"groep{kennis}-rename": "x", "volgende": forged},
        )
        assert redirected_to_group(response, kennis)


# --- the review at the scale of a series: filters, pages, one-click offers --------------------------


def test_the_filters_choose_the_groups_and_loose_proposals_and_stay_in_the_forms(reviewed):
    client, data, kennis, loket = reviewed
    p = data.p
    page = page_text(client.get(f"{GROUPS_URL}?sessie=zwolle&thema=kenniscentra"))
    assert f'id="groep-{kennis}"' in page and f'id="groep-{loket}"' not in page
    assert f'action="{GROUPS_URL}/{kennis}?sessie=zwolle&amp;thema=kenniscentra"' in html.escape(page, quote=False)
    assert '<option selected value="zwolle">' in page or '<option value="zwolle" selected>' in page
    loose = page.split('id="los"')[1]
    assert f'id="voorstel-{p["P9"]}"' not in loose  # Zwolle, but another theme
    assert f'id="voorstel-{p["P1"]}"' not in loose  # Tilburg
    only_loose = page_text(client.get(f"{GROUPS_URL}?toon=los&sessie=zwolle"))
    assert 'id="groepen"' not in only_loose and f'id="voorstel-{p["P9"]}"' in only_loose
    confirmed = page_text(client.get(f"{GROUPS_URL}?toon=geaccepteerd"))
    assert "Geen groepen bij dit filter." in confirmed and 'id="los"' not in confirmed
    # The counts are those of the whole series, whatever is shown.
    assert all(f"{len(stored())} suggesties" in text for text in (page, only_loose, confirmed))


def test_unknown_filters_and_bad_page_numbers_are_left_out_not_a_500(reviewed, app):
    client, _data, kennis, _loket = reviewed
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for query in ("pagina=-1", "pagina=abc", "pagina=99999999999999999999", "lospagina=0", "lospagina=1.5", "pagina="):
        response = client.get(f"{GROUPS_URL}?{query}")
        assert response.status_code == 200 and f'id="groep-{kennis}"' in page_text(response), query
        assert "Dit filter bestaat niet" not in page_text(response)
    for query in ("sessie=atlantis", "thema=%3Cscript%3E", "toon=alles-en-meer", "sessie=alle"):
        response = client.get(f"{GROUPS_URL}?{query}")
        page = page_text(response)
        assert response.status_code == 200 and f'id="groep-{kennis}"' in page, query
        assert "Dit filter bestaat niet (meer); de pagina toont wat wel bestaat." in page, query
        assert "<script>" not in response.get_data(as_text=True)


def test_long_lists_come_in_pages_that_the_actions_keep(reviewed, monkeypatch):
    from sessie_app.reports import review as review_service

    client, _data, _kennis, _loket = reviewed
    monkeypatch.setattr(review_service, "GROUPS_PER_PAGE", 1)
    monkeypatch.setattr(review_service, "LOOSE_PER_PAGE", 2)
    first = page_text(client.get(GROUPS_URL))
    total_loose = len(services.review().ungrouped)
    groups = len(stored())
    assert groups >= 2 and f"1–1 van {groups}" in first and f"1–2 van {total_loose}" in first
    assert f'href="{GROUPS_URL}?pagina=2#groepen"' in first and f'href="{GROUPS_URL}?lospagina=2#los"' in first
    second = page_text(client.get(f"{GROUPS_URL}?pagina=2&lospagina=2"))
    assert f"2–2 van {groups}" in second and f"3–4 van {total_loose}" in second
    (group_id,) = {int(n) for n in re.findall(r'id="groep-(\d+)"', second)}
    # Beyond the last page: the last page.
    assert f"{groups}–{groups} van {groups}" in page_text(client.get(f"{GROUPS_URL}?pagina=99"))
    token = re.search(rf'name="groep{group_id}-csrf_token" type="hidden" value="([^"]+)"', second).group(1)
    response = client.post(
        f"{GROUPS_URL}/{group_id}?pagina=2&lospagina=2",
        data={f"groep{group_id}-csrf_token": token, f"groep{group_id}-rename": "x", f"groep{group_id}-title": "Twee"},
    )
    assert redirected_to(response, f"groep-{group_id}", "?pagina=2&lospagina=2")


def offers_on(page: str, proposal_id: int) -> list[int]:
    """The groups offered to a loose proposal, in the page's order."""
    item = page.split(f'id="voorstel-{proposal_id}"')[1].split("</li>")[0]
    return [int(n) for n in re.findall(rf'formaction="{GROUPS_URL}/los/{proposal_id}/bij/(\d+)', item)]


def test_a_loose_proposal_is_added_to_a_group_it_resembles_with_one_click(reviewed):
    client, data, kennis, _loket = reviewed
    p = data.p
    # The kenniscentrum of Zwolle (P8) loose beside a group of Tilburg's (P7) and another proposal.
    group_post(client, kennis, "dissolve", title=KENNIS_TITLE)
    loose_post(client, "create", proposals=[p["P7"], p["P3"]])
    group_id = holding(p["P7"])
    page = page_text(client.get(f"{GROUPS_URL}?thema=kenniscentra"))
    assert offers_on(page, p["P8"])[0] == group_id
    title = stored()[group_id][0]
    assert f"Bij groep {group_id}: {title}" in page

    token = csrf_from(page.split('id="bij"')[1])
    response = client.post(f"{GROUPS_URL}/los/{p['P8']}/bij/{group_id}?thema=kenniscentra", data={"csrf_token": token})
    assert redirected_to(response, "los", "?thema=kenniscentra")
    assert holding(p["P8"]) == group_id
    assert f"Toegevoegd aan groep {group_id}: {title}" in page_text(client.get(response.headers["Location"]))


def test_after_a_one_click_add_the_page_goes_on_at_the_next_loose_proposal(organiser_client, twins):
    p = twins.p
    client = organiser_client
    loose_post(client, "create", proposals=[p["P7"], p["P3"]])
    group_id = holding(p["P7"])
    page = page_text(client.get(GROUPS_URL))
    order = [int(n) for n in re.findall(r'id="voorstel-(\d+)"', page)]
    offered = [pid for pid in order[:-1] if group_id in offers_on(page, pid)]
    assert offered, "no loose proposal is offered the group"
    chosen = offered[0]
    following = order[order.index(chosen) + 1]
    action = f"{GROUPS_URL}/los/{chosen}/bij/{group_id}?volgende={following}"
    assert f'formaction="{action}"' in page
    response = client.post(action, data={"csrf_token": any_token(client)})
    assert redirected_to(response, f"voorstel-{following}")
    after = page_text(client.get(response.headers["Location"]))
    assert f"Toegevoegd aan groep {group_id}" in after.split(f'id="voorstel-{following}"')[1].split("</li>")[0]
    # The last one on the page has no next: back to the list.
    assert f"/bij/{group_id}?volgende" not in after.split(f'id="voorstel-{order[-1]}"')[1]
    response = client.post(f"{GROUPS_URL}/los/{order[-1]}/bij/{group_id}", data={"csrf_token": any_token(client)})
    assert redirected_to(response, "los")


def test_adding_says_when_the_group_takes_the_newcomers_title(organiser_client, twins):
    p = twins.p
    loose_post(organiser_client, "create", proposals=[p["P7"], p["P6"]])
    group_id = holding(p["P7"])
    response = organiser_client.post(
        f"{GROUPS_URL}/los/{p['P1']}/bij/{group_id}", data={"csrf_token": any_token(organiser_client)}
    )
    assert f"Toegevoegd aan groep {group_id}. Dit voorstel heeft de meeste steun, dus de groep heet nu: " in page_text(
        organiser_client.get(response.headers["Location"])
    )


def test_a_one_click_offer_needs_its_token_and_refuses_forged_or_stale_ids(reviewed, app):
    client, data, kennis, loket = reviewed
    app.config["PROPAGATE_EXCEPTIONS"] = False
    p = data.p
    before = stored()
    assert client.post(f"{GROUPS_URL}/los/{p['P1']}/bij/{kennis}", data={}).status_code == 400
    cases = [
        (p["P7"], loket, "Dit voorstel zit al in een groep. Vernieuw de pagina."),  # grouped meanwhile
        (p["P1"], 98765, "Deze groep bestaat niet meer. Vernieuw de pagina."),
        (p["P4"], kennis, "Dit voorstel bestaat niet meer of is verborgen."),  # hidden
        (987654, kennis, "Dit voorstel bestaat niet meer of is verborgen."),
        (HUGE, kennis, "Dit voorstel bestaat niet meer of is verborgen."),
    ]
    for proposal_id, group_id, message in cases:
        response = client.post(f"{GROUPS_URL}/los/{proposal_id}/bij/{group_id}", data={"csrf_token": any_token(client)})
        assert response.status_code == 303, proposal_id
        assert message in page_text(client.get(response.headers["Location"])), proposal_id
    assert stored() == before


def merge_buttons(page: str, group_id: int) -> list[tuple[int, str]]:
    """The groups a group's card offers to merge with, and the state each button carries, in order."""
    card = page.split(f'id="groep-{group_id}"')[1].split('class="group-fields"')[0]
    return [
        (int(n), state)
        for n, state in re.findall(rf'formaction="{GROUPS_URL}/{group_id}/samen/(\d+)\?staat=(\w+)', card)
    ]


@pytest.fixture
def split_idea(organiser_client, twins):
    """The kenniscentrum twins P7 and P8 in two groups, ``a`` accepted and ``b`` a suggestion; returns
    (client, a, b)."""
    p = twins.p
    a = services.new_group([p["P7"], p["P3"]])
    b = services.new_group([p["P8"], p["P9"]])
    services.reopen(b)
    db.session.rollback()
    return organiser_client, a, b


def test_a_group_is_merged_into_the_group_it_resembles_with_one_click(split_idea):
    client, a, b = split_idea
    page = page_text(client.get(f"{GROUPS_URL}?thema=kenniscentra"))
    ((target, state), *_rest) = merge_buttons(html.escape(page, quote=False), b)
    title_a, title_b = stored()[a][0], stored()[b][0]
    assert target == a and f"Samenvoegen met groep {a}: {title_a}" in page
    token = csrf_from(page.split(f'id="samen-{b}"')[1])
    response = client.post(f"{GROUPS_URL}/{b}/samen/{a}?staat={state}&thema=kenniscentra", data={"csrf_token": token})
    assert redirected_to(response, f"groep-{a}", "?thema=kenniscentra")
    groups = stored()
    assert b not in groups and len(groups[a][2]) == 4 and groups[a][1]
    after = page_text(client.get(response.headers["Location"]))
    card = after.split(f'id="groep-{a}"')[1]
    assert f"Groep {b} ({title_b}) samengevoegd met groep {a}: {groups[a][0]}. De 2 voorstellen staan nu daar." in card
    # Reached again by a reload or the back button: the page, at the target.
    assert redirected_to(
        client.get(f"{GROUPS_URL}/{b}/samen/{a}?thema=kenniscentra"), f"groep-{a}", "?thema=kenniscentra"
    )


def test_merging_an_accepted_group_into_a_suggestion_accepts_it_and_says_so(split_idea):
    client, a, b = split_idea
    services.reopen(a)
    services.confirm(b)
    db.session.rollback()
    (state,) = [s for n, s in merge_buttons(page_text(client.get(GROUPS_URL)), b) if n == a]
    response = client.post(f"{GROUPS_URL}/{b}/samen/{a}?staat={state}", data={"csrf_token": any_token(client)})
    assert stored()[a][1]
    assert f"Groep {a} is nu geaccepteerd, omdat groep {b} dat al was." in page_text(
        client.get(response.headers["Location"])
    )


def test_a_merge_needs_its_token_and_refuses_forged_stale_or_changed_groups(split_idea, app):
    client, a, b = split_idea
    app.config["PROPAGATE_EXCEPTIONS"] = False
    (state,) = [s for n, s in merge_buttons(page_text(client.get(GROUPS_URL)), b) if n == a]
    before = stored()
    assert client.post(f"{GROUPS_URL}/{b}/samen/{a}?staat={state}", data={}).status_code == 400
    changed = f"Groep {b} of groep {a} is intussen veranderd. Bekijk ze opnieuw en voeg ze dan samen."
    gone = "Deze groep bestaat niet meer. Vernieuw de pagina."
    for path, message, anchor in (
        (f"{b}/samen/{a}", changed, f"groep-{b}"),
        (f"{b}/samen/{a}?staat=%3Cscript%3E", changed, f"groep-{b}"),
        (f"{b}/samen/{b}?staat={state}", "Een groep kan niet met zichzelf worden samengevoegd.", f"groep-{b}"),
        (f"{b}/samen/98765?staat={state}", gone, f"groep-{b}"),
        (f"{b}/samen/{HUGE}?staat={state}", gone, f"groep-{b}"),
    ):
        response = client.post(f"{GROUPS_URL}/{path}", data={"csrf_token": any_token(client)})
        assert refused_with(response, client, message, anchor), path
    # A group that is gone: the message at the top of the page.
    response = client.post(f"{GROUPS_URL}/98765/samen/{a}?staat={state}", data={"csrf_token": any_token(client)})
    assert response.status_code == 303 and gone in page_text(client.get(response.headers["Location"]))
    response = client.post(f"{GROUPS_URL}/{HUGE}/samen/{a}", data={"csrf_token": any_token(client)})
    assert response.status_code == 303 and gone in page_text(client.get(response.headers["Location"]))
    assert stored() == before
    # Changed in another tab since the page was shown: refused, nothing moved.
    services.rename(a, "Intussen hernoemd")
    db.session.rollback()
    response = client.post(f"{GROUPS_URL}/{b}/samen/{a}?staat={state}", data={"csrf_token": any_token(client)})
    assert refused_with(response, client, changed, f"groep-{b}") and b in stored()


def test_group_titles_in_the_merge_buttons_and_message_are_escaped(split_idea):
    client, a, b = split_idea
    services.rename(a, "<script>alert(1)</script> & co")
    services.rename(b, '<img src=x onerror="alert(2)">')
    db.session.rollback()
    raw = client.get(GROUPS_URL).get_data(as_text=True)
    assert "<script>alert(1)" not in raw and "<img src=x" not in raw
    assert f"Samenvoegen met groep {a}: &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in raw
    (state,) = [s for n, s in merge_buttons(raw, b) if n == a]
    response = client.post(f"{GROUPS_URL}/{b}/samen/{a}?staat={state}", data={"csrf_token": any_token(client)})
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "samengevoegd met groep" in after and "<script>alert(1)" not in after and "<img src=x" not in after


# --- downloads --------------------------------------------------------------------------------------


def test_the_json_download_has_the_groups_with_their_proposals_and_support(organiser_client, dataset):
    p = dataset.p
    response = organiser_client.get(f"{REPORT_URL}/alle.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="plan-van-aanpak-alle.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["scope"]["grouping"] == "confirmed" and data["scope"]["kind"] == "all"
    love = data["groups"][0]
    assert (love["title"], love["supporters"], love["votes"], love["consensus"], love["rank"]) == (
        LOVE_TITLE,
        7,
        11,
        pytest.approx(0.010802, abs=1e-6),
        1,
    )
    first = love["proposals"][0]
    assert {key: first[key] for key in ("id", "title", "board", "votes", "supporters", "author")} == {
        "id": p["P1"],
        "title": "Open access tot tijdschriften voor alle leraren",
        "board": dataset.tilburg.code,
        "votes": 9,
        "supporters": 6,
        "author": NICKNAME,
    }
    for group in data["groups"]:
        assert {"title", "proposals", "supporters", "votes", "consensus", "supporters_by_role"} <= group.keys()
        for proposal in group["proposals"]:
            assert {"id", "title", "board", "votes"} <= proposal.keys()
    assert [g["title"] for g in data["bridging"]][:1] == ["Vaste onderzoekstijd in de cao"]


def test_the_json_of_one_session(organiser_client, dataset):
    data = json.loads(organiser_client.get(f"{REPORT_URL}/tilburg.json").data)
    assert data["scope"]["slug"] == "tilburg" and data["totals"]["proposals"] == 5
    assert json_member_ids(json_group_of(data, dataset.p["P7"])) == [dataset.p["P7"]]


def test_the_json_with_the_automatic_suggestion(organiser_client, dataset):
    p = dataset.p
    confirmed = json.loads(organiser_client.get(f"{REPORT_URL}/alle.json").data)
    suggested = json.loads(organiser_client.get(f"{REPORT_URL}/alle.json?groepering=suggestie").data)
    assert confirmed["scope"]["grouping"] == "confirmed" and suggested["scope"]["grouping"] == "suggested"
    assert all(not g["confirmed"] and g["id"] is None for g in suggested["groups"])
    assert sorted(json_member_ids(json_group_of(suggested, p["P7"]))) == [p["P7"], p["P8"]]
    assert json_group_of(suggested, p["P7"])["title"] == "Regionaal kenniscentrum voor schoolleiders"
    assert sorted(q["id"] for g in suggested["groups"] for q in g["proposals"]) == sorted(
        q["id"] for g in confirmed["groups"] for q in g["proposals"]
    )
    # Nothing was stored by looking at the suggestion.
    assert len(stored()) == 2


def test_the_csv_is_one_row_per_proposal_and_safe_for_spreadsheets(organiser_client, dataset):
    p = dataset.p
    response = organiser_client.get(f"{REPORT_URL}/alle.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff")), delimiter=";"))
    assert [int(row["voorstel_id"]) for row in rows] == [
        p["P1"],
        p["P2"],
        p["P3"],
        p["P8"],
        p["P7"],
        p["P6"],
        p["P9"],
        p["P10"],
    ]
    first = rows[0]
    assert (
        first["groep_rang"],
        first["groep_titel"],
        first["groep_bevestigd"],
        first["groep_steun"],
        first["groep_stemmen"],
    ) == ("1", LOVE_TITLE, "ja", "7", "11")
    assert (first["stemmen"], first["steun"], first["sessie"], first["bord"]) == (
        "9",
        "6",
        "tilburg",
        dataset.tilburg.code,
    )
    hostile = rows[-1]
    assert hostile["titel"] == "'" + FORMULA and hostile["groep_titel"] == "'" + FORMULA
    assert hostile["klein_doen"] == "'@SUM(1+1)"
    for row in rows:
        for value in row.values():
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


def test_an_unknown_session_is_a_404(organiser_client, meetings):
    for suffix in (".pdf", ".json", ".csv", ".json?groepering=suggestie"):
        response = organiser_client.get(f"{REPORT_URL}/atlantis{suffix}")
        assert response.status_code == 404, suffix
        assert "Deze pagina bestaat niet (meer)" in page_text(response)


def test_no_personal_data_in_the_json_and_csv(organiser_client, dataset):
    for scope in ("alle", "tilburg", "zwolle"):
        for extension in ("json", "csv", "json?groepering=suggestie"):
            body = organiser_client.get(f"{REPORT_URL}/{scope}.{extension}").get_data(as_text=True)
            assert body.strip()
            for secret in PERSONAL:
                assert secret.casefold() not in body.casefold(), (scope, extension, secret)
    data = json.loads(organiser_client.get(f"{REPORT_URL}/alle.json").data)
    assert {q["author"] for q in data["appendix"]} == {NICKNAME, None}
    assert data["totals"]["registered"] == 3  # the registrations are there, as a count only


def test_a_stranger_is_sent_to_the_login_page(client, dataset):
    for url in (f"{REPORT_URL}/alle.pdf", f"{REPORT_URL}/tilburg.json", f"{REPORT_URL}/alle.csv", GROUPS_URL):
        response = client.get(url)
        assert response.status_code == 302, url
        assert LOGIN_URL in response.headers["Location"]
        assert b"%PDF" not in response.data and LOVE_TITLE.encode() not in response.data


def test_a_stranger_cannot_change_groups(client, dataset):
    token = csrf_from(client.get(LOGIN_URL).get_data(as_text=True))
    group_id = dataset.groups["LOVE"]
    response = client.post(
        f"{GROUPS_URL}/{group_id}", data={f"groep{group_id}-csrf_token": token, f"groep{group_id}-dissolve": "x"}
    )
    assert response.status_code == 302 and LOGIN_URL in response.headers["Location"]
    assert group_id in stored()
