"""One limit per text field (sessie_app/limits.py): the column, the form, the page and the refusal agree."""

import re

import pytest

from sessie_app import limits
from sessie_app.board import services as board_services
from sessie_app.board.models import Board, Bottleneck, ModerationEntry, Participant, Proposal
from sessie_app.organiser.forms import BoardForm, CheckInSearchForm, LoginForm, NewMeetingForm
from sessie_app.organiser.models import Organiser
from sessie_app.registration.forms import RegistrationForm
from sessie_app.registration.models import Meeting, Registration
from sessie_app.reports.forms import GroupForm, LooseForm
from sessie_app.reports.models import ProposalGroup
from tests.helpers import VALID_REGISTRATION, post_form

COLUMNS = [
    (Board.title, limits.BOARD_TITLE),
    (Proposal.title, limits.PROPOSAL_TITLE),
    (Proposal.hidden_reason, limits.HIDE_REASON),
    (Bottleneck.text, limits.BOTTLENECK_TEXT),
    (Participant.nickname, limits.NICKNAME),
    (ModerationEntry.reason, limits.HIDE_REASON),
    (Registration.name, limits.NAME),
    (Registration.organisation, limits.ORGANISATION),
    (Registration.email, limits.EMAIL),
    (Meeting.city, limits.CITY),
    (Meeting.venue, limits.VENUE),
    (Meeting.address, limits.ADDRESS),
    (Meeting.slug, limits.SLUG),
    (Organiser.email, limits.EMAIL),
    (ProposalGroup.title, limits.GROUP_TITLE),
]


@pytest.mark.parametrize(("column", "limit"), COLUMNS, ids=[str(c) for c, _limit in COLUMNS])
def test_every_column_is_as_long_as_its_field_allows(column, limit):
    assert column.type.length == limit


FORM_FIELDS = [
    (RegistrationForm, "name", limits.NAME),
    (RegistrationForm, "organisation", limits.ORGANISATION),
    (RegistrationForm, "email", limits.EMAIL),
    (RegistrationForm, "dietary", limits.DIETARY),
    (RegistrationForm, "accessibility", limits.ACCESSIBILITY),
    (NewMeetingForm, "city", limits.CITY),
    (NewMeetingForm, "venue", limits.VENUE),
    (NewMeetingForm, "address", limits.ADDRESS),
    (NewMeetingForm, "slug", limits.SLUG),
    (LoginForm, "email", limits.EMAIL),
    (BoardForm, "title", limits.BOARD_TITLE),
    (CheckInSearchForm, "q", limits.SEARCH),
    (GroupForm, "title", limits.GROUP_TITLE),
    (LooseForm, "title", limits.GROUP_TITLE),
]


@pytest.mark.parametrize(
    ("form_class", "name", "limit"), FORM_FIELDS, ids=[f"{f.__name__}.{n}" for f, n, _limit in FORM_FIELDS]
)
def test_every_form_field_validates_and_renders_its_limit(app, form_class, name, limit):
    with app.test_request_context():
        field = form_class(meta={"csrf": False})[name]
        assert field.flags.maxlength == limit
        assert f'maxlength="{limit}"' in field()


def test_the_board_services_and_socket_handler_share_the_board_limits():
    from sessie_app.board import io
    from sessie_app.board.services import actions, moderation
    from sessie_app.realtime import events

    assert actions.LIMITS is moderation.LIMITS is io.LIMITS is events.LIMITS is limits.BOARD_FIELDS
    assert limits.BOARD_FIELDS == {
        "title": limits.PROPOSAL_TITLE,
        "big": limits.PROPOSAL_BIG,
        "small": limits.PROPOSAL_SMALL,
        "text": limits.BOTTLENECK_TEXT,
        "nickname": limits.NICKNAME,
        "reason": limits.HIDE_REASON,
    }


def test_a_limited_form_field_has_its_count_and_keeps_the_hard_limit_without_scripts(client, meetings):
    html = client.get("/sessies/tilburg").get_data(as_text=True)
    field = re.search(r'<input[^>]*\sid="name"[^>]*>', html).group(0)
    assert f'maxlength="{limits.NAME}"' in field and f'data-limit="{limits.NAME}"' in field
    assert 'aria-describedby="name-limit"' in field
    assert f'<p class="help char-count-hint" id="name-limit">Hoogstens {limits.NAME} tekens.</p>' in html
    assert re.search(r'<div class="field\s+char-count">\s*<label for="name">', html)
    # A field without a text limit (a choice) gets no count.
    assert 'id="role-limit"' not in html


def test_an_over_long_name_is_refused_with_the_limit_in_dutch(client, meetings):
    too_long = "A" * (limits.NAME + 1)
    response = post_form(client, "/sessies/tilburg", {**VALID_REGISTRATION, "name": too_long})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f"Gebruik hoogstens {limits.NAME} tekens." in html
    assert f'value="{too_long}"' in html, "what was typed comes back whole, to shorten"


def test_the_phone_page_shows_the_board_limits(client):
    code = board_services.create_board("Zwolle").code
    html = client.get(f"/b/{code}").get_data(as_text=True)
    for field_id, limit in (
        ("bp-title", limits.PROPOSAL_TITLE),
        ("bp-big", limits.PROPOSAL_BIG),
        ("bp-small", limits.PROPOSAL_SMALL),
        ("bp-bottleneck-text", limits.BOTTLENECK_TEXT),
        ("bp-nickname", limits.NICKNAME),
    ):
        tag = re.search(rf'<(?:input|textarea)[^>]*\sid="{field_id}"[^>]*>', html).group(0)
        assert f'maxlength="{limit}"' in tag and f'data-limit="{limit}"' in tag, field_id
        assert f"{field_id}-limit" in re.search(r'aria-describedby="([^"]*)"', tag).group(1), field_id
        assert f'id="{field_id}-limit">Hoogstens {limit} tekens.</p>' in html, field_id


def test_the_join_code_has_no_count_as_spaces_and_hyphens_do_not_count(client):
    html = client.get("/join").get_data(as_text=True)
    field = re.search(r'<input[^>]*\sid="code"[^>]*>', html).group(0)
    assert 'maxlength="20"' in field and "data-limit" not in field and 'id="code-limit"' not in html
