"""A small, exactly known data set for the report tests, built through the board services
(the fixtures that build it are in conftest.py).

Tilburg board (11 participants; bridging roles: 6 leraar, 2 schoolleider, 2 onderzoeker; 1 student)

    proposal          votes on the phones                       paper  supporters  votes
    P1 literatuur A   L1, L2, L3, L4, L5, L6 one each           3      6           9
    P2 literatuur B   L1, S1 one each                           0      2           2
    P3 onderzoekstijd L1, S1, S2, O1, O2 one each               0      5           5
    P4 (hidden)       O1 two, X1 one                            -      -           -
    P5 (merged → P6)  X1 one                                    -      -           -
    P6 makelaar       O2 one (+ X1's dot moved over from P5)    0      2           2
    P7 kenniscentrum  S2 two                                    0      1           2

Zwolle board (3 participants: leraar, bestuurder, beleidsmaker)

    P8 kenniscentrum  Z1, Z2 one each                           0      2           2
    P9 congres       Z3 two                                    0      1           2
    P10 =HYPERLINK    nobody                                    0      0           0

Confirmed groups: LOVE = {P1, P2} (L1 voted for both: one supporter, two votes),
KENNIS = {P7, P8} (crosses Tilburg and Zwolle).

A bottleneck naming someone is hidden; the reason P4 was hidden names someone too.

Registrations (with names, addresses and dietary wishes that must never reach a report):
two for Tilburg (one checked in), one for Zwolle.
"""

import itertools
from dataclasses import dataclass, field

from flask import current_app

from sessie_app.board import services as board_services
from sessie_app.board.models import OPPEREN, STEMMEN, Board, Participant, Proposal
from sessie_app.extensions import db
from sessie_app.registration import services as registration_services
from sessie_app.registration.models import Registration
from sessie_app.reports.models import GroupMember, ProposalGroup
from sessie_app.reports.report import Group, Report

REPORT_URL = "/organisator/rapport"
GROUPS_URL = f"{REPORT_URL}/groepen"

LOVE_TITLE = "Toegang tot literatuur voor leraren"
KENNIS_TITLE = "Kenniscentra voor schoolleiders"
NICKNAME = "Juf Anna"
FORMULA = '=HYPERLINK("http://evil.example/x","klik")'

# Personal data (registrations, moderated text): none of it may appear in a PDF, JSON or CSV report.
PERSONAL = [
    "Fatima el Amrani",
    "f.elamrani@example.nl",
    "notenallergie",
    "Basisschool De Regenboog",
    "Johannes Vermeulen-Brouwer",
    "j.vermeulen@example.nl",
    "halal",
    "rolstoeltoegang",
    "Pieternella Zwartkruis",
    "p.zwartkruis@example.nl",
    "glutenvrij",
    # Names in moderated text: the reason a proposal was hidden, and a hidden bottleneck.
    "meneer Brouwersgracht",
    "Karel Appelboom",
]

_client_ids = itertools.count(1)


def cid() -> str:
    return f"report-cid-{next(_client_ids):08d}"


def vote(participant, proposal_id: int, times: int = 1) -> None:
    for _ in range(times):
        board_services.vote(participant.id, cid(), proposal_id, 1)


def propose(participant, title: str, **extra) -> int:
    return board_services.add_proposal(participant.id, cid(), title, **extra)["proposal"]["id"]


def confirmed_group(title: str, proposal_ids, confirmed: bool = True) -> int:
    """A reviewed group stored directly, so the support tests do not depend on the review actions."""
    group = ProposalGroup(title=title, confirmed=confirmed)
    db.session.add(group)
    db.session.flush()
    db.session.add_all(GroupMember(proposal_id=pid, group_id=group.id) for pid in proposal_ids)
    db.session.commit()
    return group.id


def starter_bottleneck(board, theme_key: str) -> int:
    themes = {t.id: t.key for t in board.themes}
    for bottleneck in board_services.snapshot(board.id)["bottlenecks"]:
        if themes.get(bottleneck["theme_id"]) == theme_key:
            return bottleneck["id"]
    raise AssertionError(f"no starter for {theme_key}")


def theme_id(board, key: str) -> int:
    return next(t.id for t in board.themes if t.key == key)


@dataclass
class Dataset:
    tilburg: object
    zwolle: object
    p: dict = field(default_factory=dict)  # "P1" → proposal id
    people: dict = field(default_factory=dict)  # "L1" → Participant
    groups: dict = field(default_factory=dict)  # "LOVE" → group id
    bottlenecks: dict = field(default_factory=dict)  # name → bottleneck id
    registrations: list = field(default_factory=list)

    def ids(self) -> dict:
        """What the data set holds, by row id: ``load`` finds it again in a copy of its database."""
        return {
            "tilburg": self.tilburg.id,
            "zwolle": self.zwolle.id,
            "p": dict(self.p),
            "people": {key: person.id for key, person in self.people.items()},
            "groups": dict(self.groups),
            "bottlenecks": dict(self.bottlenecks),
            "registrations": [registration.id for registration in self.registrations],
        }

    @classmethod
    def load(cls, ids: dict) -> "Dataset":
        get = db.session.get
        return cls(
            tilburg=get(Board, ids["tilburg"]),
            zwolle=get(Board, ids["zwolle"]),
            p=dict(ids["p"]),
            people={key: get(Participant, person) for key, person in ids["people"].items()},
            groups=dict(ids["groups"]),
            bottlenecks=dict(ids["bottlenecks"]),
            registrations=[get(Registration, registration) for registration in ids["registrations"]],
        )


def build(meetings, add_registration, groups: bool = True) -> Dataset:
    # Actor labels are translated, which needs a request (for the locale).
    with current_app.test_request_context():
        return _build(meetings, add_registration, groups)


def _build(meetings, add_registration, groups: bool) -> Dataset:
    t_board = board_services.create_board("Regiosessie Tilburg", meeting_id=meetings["tilburg"].id)
    z_board = board_services.create_board("Regiosessie Zwolle", meeting_id=meetings["zwolle"].id)
    data = Dataset(tilburg=t_board, zwolle=z_board)
    people = data.people

    def join(board, key, role, sector="PO", nickname=None):
        people[key] = board_services.join(board.id, None, nickname=nickname, role=role, sector=sector)

    join(t_board, "L1", "leraar", nickname=NICKNAME)
    for n in range(2, 7):
        join(t_board, f"L{n}", "leraar", sector="VO")
    join(t_board, "S1", "schoolleider")
    join(t_board, "S2", "schoolleider", sector="VO")
    join(t_board, "O1", "onderzoeker", sector="WO")
    join(t_board, "O2", "onderzoeker", sector="HBO")
    join(t_board, "X1", "student", sector="HBO")
    join(z_board, "Z1", "leraar", sector="MBO")
    join(z_board, "Z2", "bestuurder", sector="MBO")
    join(z_board, "Z3", "beleidsmaker", sector="anders")

    # Mopperen: the six starters of the invitation and one complaint of a participant.
    board_services.load_starters(t_board.id, None)
    data.bottlenecks["literatuur"] = starter_bottleneck(t_board, "literatuur")
    data.bottlenecks["elkaar-vinden"] = starter_bottleneck(t_board, "elkaar-vinden")
    data.bottlenecks["financiering"] = starter_bottleneck(t_board, "financiering")
    data.bottlenecks["tijd"] = board_services.add_bottleneck(
        people["L1"].id, cid(), "Niemand heeft tijd om onderzoek te lezen"
    )["bottleneck"]["id"]
    data.bottlenecks["hidden"] = board_services.add_bottleneck(
        people["L2"].id, cid(), "Directeur Karel Appelboom luistert nooit"
    )["bottleneck"]["id"]
    board_services.set_bottleneck_hidden(t_board.id, data.bottlenecks["hidden"], True, "Noemt een naam", None)

    # Opperen.
    board_services.set_phase(t_board.id, OPPEREN, None)
    board_services.set_phase(z_board.id, OPPEREN, None)
    p = data.p
    p["P1"] = propose(
        people["L1"],
        "Open access tot tijdschriften voor alle leraren",
        big="Vrij lezen zonder betaalmuur",
        small="Bibliotheekpas voor elke leraar regelen",
        actor="kennisinstelling",
        bottleneck_id=data.bottlenecks["literatuur"],
    )
    p["P2"] = propose(
        people["L2"],
        "Landelijke licentie op vakliteratuur voor het onderwijs",
        big="Geen abonnementskosten meer voor docenten",
        small="Licentie onderhandelen via de sectorraad",
        actor="overheid",
        bottleneck_id=data.bottlenecks["literatuur"],
    )
    p["P3"] = propose(
        people["S1"],
        "Vaste onderzoekstijd in de cao",
        big="Uren in het rooster voor praktijkgericht onderzoek",
        small="Twee uur per week inroosteren",
        actor="school",
        bottleneck_id=data.bottlenecks["tijd"],
        theme_id=theme_id(t_board, "kenniscentra"),
    )
    p["P4"] = propose(
        people["O1"],
        "Verborgen scheldpartij over de directie",
        actor="school",
        bottleneck_id=data.bottlenecks["financiering"],
    )
    p["P5"] = propose(people["X1"], "Dubbel ingediende makelaarsbalie", actor="kennisinstelling")
    p["P6"] = propose(
        people["O2"],
        "Makelaar koppelt scholen aan onderzoekers",
        big="Binnen een maand een partner gevonden",
        small="Matchmaking-avond organiseren",
        actor="kennisinstelling",
        bottleneck_id=data.bottlenecks["elkaar-vinden"],
    )
    p["P7"] = propose(
        people["S2"],
        "Regionaal kenniscentrum voor schoolleiders",
        big="Een kenniscentrum voor schoolleiders in elke regio",
        small="Kwartiermaker aanstellen",
        actor="school",
        theme_id=theme_id(t_board, "kenniscentra"),
    )
    p["P8"] = propose(
        people["Z1"],
        "Regionaal kenniscentrum voor schoolleiders",
        big="Een kenniscentrum voor schoolleiders in elke regio",
        small="Netwerk van schoolleiders starten",
        actor="school",
        theme_id=theme_id(z_board, "kenniscentra"),
    )
    p["P9"] = propose(
        people["Z3"],
        "Jaarlijks congres over wat werkt in de klas",
        actor="sectorraad",
        theme_id=theme_id(z_board, "benutten"),
    )
    p["P10"] = propose(people["Z2"], FORMULA, small="@SUM(1+1)")

    # Stemmen.
    board_services.set_phase(t_board.id, STEMMEN, None)
    board_services.set_phase(z_board.id, STEMMEN, None)
    vote(people["L1"], p["P1"])
    vote(people["L1"], p["P2"])
    for n in range(2, 7):
        vote(people[f"L{n}"], p["P1"])
    vote(people["S1"], p["P2"])
    for key in ("L1", "S1", "S2", "O1", "O2"):
        vote(people[key], p["P3"])
    vote(people["O1"], p["P4"], 2)
    vote(people["X1"], p["P4"])
    vote(people["X1"], p["P5"])
    vote(people["O2"], p["P6"])
    vote(people["S2"], p["P7"], 2)
    vote(people["Z1"], p["P8"])
    vote(people["Z2"], p["P8"])
    vote(people["Z3"], p["P9"], 2)

    # Oogsten: moderation, a duplicate merged, dots counted on paper.
    board_services.set_hidden(t_board.id, p["P4"], True, "Persoonlijke aanval op meneer Brouwersgracht", None)
    board_services.merge(t_board.id, p["P6"], p["P5"], None)
    db.session.get(Proposal, p["P1"]).paper_votes = 3
    db.session.commit()

    if groups:
        data.groups["LOVE"] = confirmed_group(LOVE_TITLE, [p["P1"], p["P2"]])
        data.groups["KENNIS"] = confirmed_group(KENNIS_TITLE, [p["P7"], p["P8"]])

    first = add_registration(
        meetings["tilburg"],
        name="Fatima el Amrani",
        email="f.elamrani@example.nl",
        organisation="Basisschool De Regenboog",
        role="leraar",
        sector="PO",
        health_consent=True,
        dietary="notenallergie",
        accessibility="rolstoeltoegang",
    )
    second = add_registration(
        meetings["tilburg"],
        name="Johannes Vermeulen-Brouwer",
        email="j.vermeulen@example.nl",
        role="onderzoeker",
        sector="WO",
        health_consent=True,
        dietary="halal",
    )
    third = add_registration(
        meetings["zwolle"],
        name="Pieternella Zwartkruis",
        email="p.zwartkruis@example.nl",
        role="bestuurder",
        sector="MBO",
        health_consent=True,
        dietary="glutenvrij",
    )
    registration_services.set_checked_in(first.id, True)
    data.registrations = [first, second, third]
    return data


TWIN_TITLE = "Subsidieloket voor kleine schoolbesturen"


def add_twins(data: Dataset) -> Dataset:
    """Two more identical proposals, P11 (Tilburg) and P12 (Zwolle), without votes: with P7 and P8
    two pairs any suggestion must find (what else it groups depends on the text comparison)."""
    with current_app.test_request_context():
        for board in (data.tilburg, data.zwolle):
            board_services.set_phase(board.id, OPPEREN, None)
        data.p["P11"] = propose(
            data.people["L3"],
            TWIN_TITLE,
            big="Een loket dat kleine besturen helpt met subsidieaanvragen",
            actor="overheid",
            theme_id=theme_id(data.tilburg, "financiering"),
        )
        data.p["P12"] = propose(
            data.people["Z2"],
            TWIN_TITLE,
            big="Een loket dat kleine besturen helpt met subsidieaanvragen",
            actor="overheid",
            theme_id=theme_id(data.zwolle, "financiering"),
        )
        for board in (data.tilburg, data.zwolle):
            board_services.set_phase(board.id, STEMMEN, None)
    return data


def group_of(report: Report, proposal_id: int) -> Group:
    """The group in ``report`` that holds ``proposal_id``."""
    for group in report.groups:
        if proposal_id in member_ids(group):
            return group
    raise AssertionError(f"proposal {proposal_id} is in no group of the report")


def member_ids(group: Group) -> list[int]:
    return [p.id for p in group.proposals]


def json_group_of(data: dict, proposal_id: int) -> dict:
    """The group in the report's JSON ``data`` that holds ``proposal_id``."""
    for group in data["groups"]:
        if proposal_id in json_member_ids(group):
            return group
    raise AssertionError(f"proposal {proposal_id} is in no group of the JSON")


def json_member_ids(group: dict) -> list[int]:
    return [p["id"] for p in group["proposals"]]
