"""A realistic data set for the synthesis report: five sessions full of registrations, boards,
bottlenecks, proposals and votes.

``populate()`` fills an empty, migrated database inside an app context. It goes through the
board services wherever a participant or facilitator would act, so phases, budgets and the
action log hold as in a real session. The proposals come from some twenty underlying ideas, each
written in many ways, so the same idea recurs within and across sessions in different words.
Votes follow the room: popular ideas draw more dots, and some ideas are carried by every role
while others by one role only, so the report has bridging proposals and one-sided ones.

No personal data that looks real: people are "Deelnemer 17" with deelnemer17@example.org, and
only a few generic dietary wishes are filled in, so privacy tests have something to look for.

As a script it builds a database a person can run the app against::

    .venv/bin/python bench/report_data.py --db instance/demo.sqlite
    DATABASE_URL=sqlite:///$PWD/instance/demo.sqlite .venv/bin/flask --app sessie_app run
"""

import argparse
import itertools
import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, select

from sessie_app import create_app
from sessie_app.board import services as board_services
from sessie_app.board.models import (
    OOGSTEN,
    OPPEREN,
    STEMMEN,
    Board,
    Bottleneck,
    Participant,
    Proposal,
)
from sessie_app.extensions import db
from sessie_app.registration import seed as seed_module
from sessie_app.registration.models import CANCELLED, CONFIRMED, Meeting, Registration
from sessie_app.timeutil import today_local, utcnow

# --- who is in the room -------------------------------------------------------------------------

# The invitation's audience; teachers are the largest group, students and "anders" come along.
ROLE_MIX = {
    "leraar": 30,
    "schoolleider": 16,
    "onderzoeker": 17,
    "lerarenopleider": 12,
    "bestuurder": 9,
    "beleidsmaker": 8,
    "student": 5,
    "anders": 3,
}
SECTOR_MIX = {
    "leraar": {"PO": 40, "VO": 35, "MBO": 20, "HBO": 3, "anders": 2},
    "schoolleider": {"PO": 50, "VO": 35, "MBO": 15},
    "onderzoeker": {"WO": 60, "HBO": 35, "anders": 5},
    "lerarenopleider": {"HBO": 75, "WO": 20, "MBO": 5},
    "bestuurder": {"PO": 45, "VO": 30, "MBO": 20, "HBO": 5},
    "beleidsmaker": {"anders": 60, "PO": 15, "VO": 15, "MBO": 10},
    "student": {"HBO": 65, "WO": 35},
    "anders": {"anders": 60, "PO": 10, "VO": 10, "HBO": 10, "WO": 10},
}
DIETARY = ["vegetarisch", "veganistisch", "glutenvrij", "lactosevrij", "halal", "notenallergie"]
ACCESSIBILITY = ["rolstoeltoegankelijke zaal", "ringleiding"]
NICKNAMES = [
    "Leesjuf",
    "Rekenmeester",
    "Kritische vriend",
    "Datanerd",
    "Pabo-student",
    "Nieuwsgierig",
    "Docent-onderzoeker",
    "Kennismakelaar",
    "Mopperaar",
    "Opperaar",
    "Schoolleider PO",
    "Lector",
]

REGISTRATIONS_PER_PARTICIPANT = 1.2
CHECKED_IN = 0.8
CANCELLED_SHARE = 0.04
NICKNAME_SHARE = 0.3
NO_PROFILE_SHARE = 0.04

# --- what the room complains about ----------------------------------------------------------------

# The six complaints of the invitation, in the words participants use for them.
COMPLAINTS = {
    "literatuur": [
        "Als leraar kan ik de meeste onderzoeksartikelen niet lezen zonder te betalen.",
        "De betaalmuur van tijdschriften houdt leraren weg bij onderzoek.",
        "Sinds ik ben afgestudeerd heb ik geen toegang meer tot de universiteitsbibliotheek.",
        "Onderzoek is vaak in het Engels en veel te lang om naast het lesgeven te lezen.",
        "Ik weet niet waar ik betrouwbaar onderzoek over mijn vak kan vinden.",
    ],
    "elkaar-vinden": [
        "Scholen zitten niet te wachten op nog een onderzoeker met een vragenlijst.",
        "Het kost me maanden om scholen te vinden die mee willen doen aan mijn onderzoek.",
        "Als school weten we niet bij welke onderzoeker we met onze vraag terechtkunnen.",
        "Onderzoekers komen, verzamelen data en vertrekken weer.",
        "Er is geen plek waar scholen en onderzoekers elkaar ontmoeten.",
    ],
    "benutten": [
        "Onderzoeksrapporten verdwijnen na afloop in een la.",
        "De resultaten van het onderzoek op onze school hebben we nooit gezien.",
        "Onderzoekers worden beloond voor publicaties, niet voor wat scholen ermee doen.",
        "Er is geen tijd in de jaartaak om iets met onderzoek te doen.",
        "Goede praktijkvoorbeelden blijven binnen één school hangen.",
    ],
    "innovaties": [
        "We voeren steeds nieuwe methodes in zonder te weten of ze werken.",
        "Uitgevers beloven van alles, maar onderzoek naar de opbrengsten ontbreekt.",
        "Voor onderzoek naar onze eigen vernieuwing is geen geld en geen onderzoeker.",
        "Innovaties worden na een jaar weer losgelaten zonder evaluatie.",
        "Ik wil weten of ons nieuwe leerplein iets oplevert, maar weet niet hoe ik dat meet.",
    ],
    "kenniscentra": [
        "Als schoolleider ben ik afhankelijk van adviesbureaus voor kennis over schoolontwikkeling.",
        "Er is geen onafhankelijke plek waar ik kan opzoeken wat werkt.",
        "Iedere school vindt het wiel opnieuw uit.",
        "De kennis uit de werkplaatsen verdwijnt als de subsidie stopt.",
        "In onze regio is geen enkele samenwerking tussen scholen en de universiteit.",
    ],
    "financiering": [
        "Subsidieaanvragen schrijven kost meer tijd dan het onderzoek zelf.",
        "Alleen grote besturen met een eigen subsidieadviseur maken kans.",
        "Projectgeld stopt na twee jaar en dan houdt alles op.",
        "De kans op toekenning is zo klein dat we niet eens meer aanvragen.",
        "Er is geen geld om leraren vrij te roosteren voor onderzoek.",
    ],
}
BOTTLENECKS_PER_BOARD = 30
OFF_TOPIC_BOTTLENECK = ("De parkeerplaats bij deze locatie is veel te klein.", "Gaat niet over kennis en onderzoek.")
OFF_TOPIC_PROPOSAL = ("Gratis koffie en taart bij elke sessie!", "Grapje, geen voorstel voor het plan van aanpak.")

# --- what the room proposes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Idea:
    """One underlying proposal and the ways people write it down.

    ``support`` is how strongly each role is drawn to it, both to write it and to vote for it;
    a role left out barely cares (LOW).
    """

    key: str
    theme: str
    actors: tuple[str, ...]  # the first is the usual one
    popularity: float
    support: dict
    titles: tuple[str, ...]
    bigs: tuple[str, ...]
    smalls: tuple[str, ...]


LOW = 0.1

IDEAS = (
    Idea(
        "open-access",
        "literatuur",
        ("overheid", "kennisinstelling"),
        1.0,
        {
            "leraar": 1.4,
            "schoolleider": 1.0,
            "onderzoeker": 0.8,
            "lerarenopleider": 1.2,
            "bestuurder": 0.7,
            "beleidsmaker": 0.8,
            "student": 1.2,
        },
        (
            "Gratis toegang tot wetenschappelijke artikelen voor leraren",
            "Open access voor het hele onderwijsveld",
            "Weg met de betaalmuur voor onderwijsonderzoek",
            "Landelijke licentie op vakliteratuur voor scholen",
            "Leraren dezelfde toegang tot tijdschriften als studenten",
        ),
        (
            "Iedere leraar in po, vo en mbo kan zonder betaalmuur wetenschappelijke artikelen lezen, net als onderzoekers aan de universiteit.",
            "Alle onderwijsonderzoek dat met publiek geld is betaald, is vrij toegankelijk voor iedereen die in het onderwijs werkt.",
            "Er komt één landelijke licentie zodat alle scholen toegang hebben tot de belangrijkste tijdschriften en databanken over onderwijs.",
        ),
        (
            "Het ministerie onderhandelt volgend jaar met de uitgevers over een licentie voor alle scholen.",
            "Start met een proef: tien schoolbesturen krijgen een jaar lang toegang via de bibliotheek van een universiteit.",
            "Lerarenopleidingen geven hun alumni een blijvend bibliotheekaccount.",
        ),
    ),
    Idea(
        "praktijkvertaling",
        "literatuur",
        ("kennisinstelling", "sectorraad"),
        0.9,
        {
            "leraar": 1.3,
            "schoolleider": 1.2,
            "onderzoeker": 0.9,
            "lerarenopleider": 1.1,
            "bestuurder": 0.8,
            "beleidsmaker": 1.0,
            "student": 0.9,
        },
        (
            "Onderzoek vertaald naar de praktijk in begrijpelijke taal",
            "Korte samenvattingen van onderzoek voor leraren",
            "Praktijkkaarten: wat weten we over een onderwerp op één A4",
            "Kennisclips over onderzoek voor drukke leraren",
        ),
        (
            "Van elk relevant onderzoek is een korte, begrijpelijke samenvatting beschikbaar die een leraar in tien minuten leest en morgen kan gebruiken.",
            "Onderzoekers leveren bij elke publicatie een praktijkvertaling: wat betekent dit voor mijn les, mijn team en mijn school?",
            "Er is een vaste plek waar leraren onderzoek vinden in de vorm van samenvattingen, filmpjes en praktijkvoorbeelden in plaats van lange Engelse artikelen.",
        ),
        (
            "Een redactie van leraren en onderzoekers maakt elke maand vijf samenvattingen over lezen, rekenen en gedrag.",
            "Subsidieaanvragen bij het NRO moeten voortaan een praktijkvertaling bevatten.",
            "Begin met een pilot van twintig kennisclips en vraag leraren wat ze ervan vinden.",
        ),
    ),
    Idea(
        "leesclub",
        "literatuur",
        ("school",),
        0.5,
        {"leraar": 1.3, "lerarenopleider": 1.2, "schoolleider": 0.6, "onderzoeker": 0.5, "student": 0.8},
        (
            "Een leesclub over onderzoek in elk team",
            "Journal club voor leraren",
            "Samen artikelen lezen tijdens de studiedag",
            "Leesgroep onderwijsonderzoek op school",
        ),
        (
            "In elk schoolteam lezen collega's regelmatig samen een onderzoeksartikel en bespreken wat ze ermee kunnen in hun eigen lessen.",
            "Samen onderzoek lezen en bespreken wordt een gewoon onderdeel van de professionalisering van leraren.",
            "Elke school heeft een vaste leesgroep waarin leraren, met hulp van een lerarenopleider, nieuwe inzichten uit onderzoek vertalen naar de klas.",
        ),
        (
            "Na de kerstvakantie beginnen we met één artikel per maand in de teamvergadering.",
            "Eén studiedag per jaar wordt besteed aan het lezen en bespreken van onderzoek.",
            "De lerarenopleiding levert elk kwartaal een leespakket met vragen voor de bespreking.",
        ),
    ),
    Idea(
        "matchpunt",
        "elkaar-vinden",
        ("kennisinstelling", "sectorraad"),
        1.0,
        {
            "leraar": 0.9,
            "schoolleider": 1.2,
            "onderzoeker": 1.5,
            "lerarenopleider": 1.1,
            "bestuurder": 1.0,
            "beleidsmaker": 0.9,
            "student": 0.6,
        },
        (
            "Regionaal loket dat scholen en onderzoekers koppelt",
            "Een onderwijsmakelaar in elke regio",
            "Matchpunt voor praktijkvragen en onderzoekers",
            "Eén aanspreekpunt voor scholen met een onderzoeksvraag",
        ),
        (
            "In elke regio is een makelaar die vragen van scholen ophaalt en binnen een maand de juiste onderzoeker aan tafel brengt.",
            "Scholen en onderzoekers vinden elkaar makkelijk via een regionaal matchpunt dat beide werelden kent.",
            "Een school met een vraag uit de praktijk kan terecht bij één loket dat zoekt welke hogeschool of universiteit ermee aan de slag wil.",
        ),
        (
            "De universiteit en de hogeschool in de regio stellen samen één makelaar aan voor twee dagen per week.",
            "We beginnen met een lijst van tien praktijkvragen van scholen uit deze regio.",
            "Organiseer twee keer per jaar een matchmiddag voor scholen en onderzoekers.",
        ),
    ),
    Idea(
        "vacaturebank",
        "elkaar-vinden",
        ("sectorraad", "kennisinstelling"),
        0.7,
        {
            "onderzoeker": 1.6,
            "leraar": 0.6,
            "schoolleider": 0.8,
            "lerarenopleider": 0.9,
            "bestuurder": 0.6,
            "beleidsmaker": 0.7,
            "student": 0.9,
        },
        (
            "Online platform voor onderzoeksvragen van scholen",
            "Vacaturebank voor onderzoek",
            "Een landelijke website waar scholen en onderzoekers elkaar vinden",
            "Marktplaats voor praktijkgericht onderzoek",
        ),
        (
            "Op een landelijk platform plaatsen scholen hun onderzoeksvragen en reageren onderzoekers en studenten die ermee aan de slag willen.",
            "Net als een vacaturebank: scholen posten een vraag, onderzoekers zoeken op thema en regio en nemen zelf contact op.",
            "Onderzoekers die scholen zoeken voor hun onderzoek en scholen die mee willen doen vinden elkaar via één website.",
        ),
        (
            "De sectorraden bouwen samen een eenvoudige eerste versie en vragen vijftig scholen om een vraag te plaatsen.",
            "Begin met een gedeelde lijst van lopende onderzoeken die nog scholen zoeken.",
            "Elke hogeschool plaatst haar afstudeeronderzoeken op het platform.",
        ),
    ),
    Idea(
        "netwerkscholen",
        "elkaar-vinden",
        ("lerarenopleiding", "school"),
        0.6,
        {
            "lerarenopleider": 1.5,
            "onderzoeker": 1.2,
            "schoolleider": 1.0,
            "leraar": 0.7,
            "bestuurder": 0.8,
            "beleidsmaker": 0.5,
            "student": 1.0,
        },
        (
            "Vaste netwerkscholen voor onderzoek",
            "Opleidingsscholen als onderzoeksscholen",
            "Academische opleidingsscholen in elke regio",
            "Partnerscholen die structureel meedoen aan onderzoek",
        ),
        (
            "Elke lerarenopleiding heeft een vast netwerk van scholen waar onderzoek gewoon bij het werk hoort en waar onderzoekers altijd welkom zijn.",
            "Opleidingsscholen worden ook onderzoeksscholen: studenten, leraren en onderzoekers werken daar samen aan vragen uit de school.",
            "Scholen die structureel meedoen aan onderzoek krijgen daarvoor erkenning en tijd, zodat onderzoekers niet steeds opnieuw hoeven te zoeken.",
        ),
        (
            "Maak in de samenwerkingsovereenkomst van de opleidingsschool afspraken over onderzoek.",
            "Elke opleidingsschool wijst een contactpersoon voor onderzoek aan.",
            "De pabo en drie partnerscholen kiezen samen één onderzoeksthema voor volgend schooljaar.",
        ),
    ),
    Idea(
        "impact-erkennen",
        "benutten",
        ("kennisinstelling",),
        0.5,
        {"onderzoeker": 1.8, "lerarenopleider": 0.3},
        (
            "Impact in de praktijk laten meetellen voor onderzoekers",
            "Erkennen en waarderen van praktijkgericht onderzoek",
            "Onderzoekers belonen voor samenwerking met scholen",
            "Niet alleen publicaties tellen",
        ),
        (
            "Onderzoekers worden niet alleen beoordeeld op publicaties in internationale tijdschriften, maar ook op wat hun werk in scholen oplevert.",
            "Samenwerken met scholen en kennis delen met leraren telt volwaardig mee in de loopbaan van een onderzoeker.",
            "Universiteiten waarderen praktijkgerichte publicaties en kennisdeling net zo hoog als artikelen in vaktijdschriften.",
        ),
        (
            "Neem impact op scholen op als criterium in de jaargesprekken van onderzoekers.",
            "De faculteit geeft elk jaar een prijs voor het beste praktijkgerichte onderzoek.",
            "Laat NWO en NRO bij de beoordeling van aanvragen expliciet kijken naar samenwerking met scholen.",
        ),
    ),
    Idea(
        "terugkoppeling",
        "benutten",
        ("kennisinstelling", "school"),
        0.7,
        {
            "leraar": 1.5,
            "schoolleider": 1.3,
            "onderzoeker": 0.5,
            "lerarenopleider": 0.9,
            "bestuurder": 0.6,
            "beleidsmaker": 0.5,
            "student": 0.8,
        },
        (
            "Resultaten altijd terug naar de school",
            "Onderzoekers presenteren hun uitkomsten op de school zelf",
            "Geen onderzoek zonder terugkoppeling",
            "Terugkoppeling van onderzoek aan leraren en leerlingen",
        ),
        (
            "Elke school die meedoet aan onderzoek hoort wat eruit kwam en wat het betekent voor het eigen onderwijs.",
            "Onderzoekers komen na afloop terug op school om de resultaten te bespreken met het team, in gewone taal.",
            "Scholen worden niet langer alleen gebruikt voor dataverzameling, maar zijn partner en krijgen de uitkomsten terug.",
        ),
        (
            "Neem een terugkoppelmoment op in elk onderzoeksplan dat een ethische commissie goedkeurt.",
            "Stuur elke deelnemende school binnen drie maanden een korte brief met de uitkomsten.",
            "Plan bij de start van het onderzoek al de datum van de terugkoppeling in de jaarplanning van de school.",
        ),
    ),
    Idea(
        "kennisbank",
        "benutten",
        ("overheid", "kennisinstelling"),
        0.9,
        {
            "leraar": 1.1,
            "schoolleider": 1.3,
            "onderzoeker": 1.0,
            "lerarenopleider": 1.0,
            "bestuurder": 1.1,
            "beleidsmaker": 1.2,
            "student": 0.9,
        },
        (
            "Eén landelijke kennisbank: wat werkt in het onderwijs",
            "Een Nederlandse toolkit van effectieve interventies",
            "Kennisbank met onderzoek voor scholen",
            "Overzicht van wat werkt, zoals de Engelse Teaching and Learning Toolkit",
        ),
        (
            "Er komt één landelijke website waar scholen kunnen opzoeken wat onderzoek zegt over de effecten van aanpakken, methodes en interventies.",
            "Naar Engels voorbeeld komt er een betrouwbaar overzicht van wat werkt in de klas, met kosten, effect en de sterkte van het bewijs.",
            "Alle kennis uit onderzoek over onderwijs staat op één plek, doorzoekbaar op thema, sector en vak.",
        ),
        (
            "Vertaal de Engelse toolkit en vul die aan met Nederlandse studies.",
            "Het NRO bouwt een eerste versie met de tien meest gestelde vragen van scholen.",
            "Bundel de bestaande kennisbanken van de sectorraden onder één zoekfunctie.",
        ),
    ),
    Idea(
        "innovatie-onderzoeken",
        "innovaties",
        ("school", "overheid"),
        0.6,
        {
            "schoolleider": 1.5,
            "bestuurder": 1.3,
            "leraar": 0.8,
            "onderzoeker": 1.0,
            "lerarenopleider": 0.6,
            "beleidsmaker": 0.9,
            "student": 0.4,
        },
        (
            "Geen nieuwe methode zonder onderzoek naar de opbrengsten",
            "Onderzoeker standaard betrokken bij vernieuwingen",
            "Effecten van digitale leermiddelen laten onderzoeken",
            "Innovaties in de school samen met onderzoekers evalueren",
        ),
        (
            "Bij elke grote vernieuwing in de school, zoals een digitale methode, onderzoekt een onderzoeker wat het oplevert voor het leren van leerlingen.",
            "Uitgevers en scholen laten vooraf en achteraf onderzoeken wat een nieuwe methode oplevert, zodat we weten wat werkt.",
            "Scholen die iets nieuws invoeren kunnen snel en zonder veel papierwerk een onderzoeker inschakelen om de leeropbrengsten te meten.",
        ),
        (
            "Reserveer bij elke innovatie vijf procent van het budget voor onderzoek naar de effecten.",
            "Maak een eenvoudig protocol voor een voor- en nameting dat scholen zelf kunnen gebruiken.",
            "Vraag de hogeschool om een student die bij de invoering een afstudeeronderzoek doet.",
        ),
    ),
    Idea(
        "leraar-onderzoeker",
        "innovaties",
        ("overheid", "lerarenopleiding"),
        0.6,
        {
            "leraar": 1.4,
            "lerarenopleider": 1.3,
            "schoolleider": 0.7,
            "onderzoeker": 0.8,
            "bestuurder": 0.5,
            "beleidsmaker": 0.6,
            "student": 1.1,
        },
        (
            "Meer leraren met een onderzoeksmaster",
            "Promotiebeurs voor leraren uitbreiden",
            "De leraar als onderzoeker van de eigen praktijk",
            "Leraar-onderzoekers opleiden en behouden",
        ),
        (
            "Veel meer leraren volgen een master of promotietraject en blijven daarna in de klas, met tijd om onderzoek te doen in hun school.",
            "Leraren worden opgeleid om hun eigen praktijk te onderzoeken en krijgen daarna een rol als leraar-onderzoeker.",
            "De lerarenbeurs en de promotiebeurs voor leraren worden ruimer, zodat onderzoek doen voor iedere leraar bereikbaar is.",
        ),
        (
            "Verdubbel volgend jaar het aantal promotiebeurzen voor leraren.",
            "Geef leraren die een master hebben gehaald een functie met onderzoekstaken.",
            "Begin met een cursus praktijkonderzoek voor geïnteresseerde collega's.",
        ),
    ),
    Idea(
        "onderzoekstijd",
        "benutten",
        ("school", "overheid"),
        1.0,
        {
            "leraar": 2.0,
            "student": 1.2,
            "lerarenopleider": 0.6,
            "schoolleider": 0.4,
            "onderzoeker": 0.5,
            "beleidsmaker": 0.3,
        },
        (
            "Onderzoekstijd in de normjaartaak",
            "Tijd voor leraren om onderzoek te lezen en te doen",
            "Minder lesuren, meer ruimte voor onderzoek",
            "Vaste uren voor onderzoek in het rooster",
            "Geef leraren tijd!",
        ),
        (
            "Iedere leraar heeft structureel uren in de jaartaak om onderzoek te lezen of te doen, zonder dat dit ten koste gaat van de voorbereiding van lessen.",
            "Onderzoek doen mag geen hobby in de avonduren zijn; het hoort bij het werk van de leraar en krijgt tijd in het rooster.",
            "De lestaak gaat omlaag zodat leraren ruimte hebben voor onderzoek en professionalisering, geregeld in de cao.",
        ),
        (
            "Roosteer volgend jaar voor elk team een vaste middag per maand vrij voor onderzoek.",
            "Neem onderzoekstijd op als apart onderdeel in het taakbeleid van de school.",
            "Zet het onderwerp op de agenda van de volgende cao-onderhandelingen.",
        ),
    ),
    Idea(
        "kenniscentrum",
        "kenniscentra",
        ("overheid", "sectorraad"),
        0.9,
        {
            "schoolleider": 1.5,
            "bestuurder": 1.3,
            "onderzoeker": 1.2,
            "lerarenopleider": 1.1,
            "beleidsmaker": 1.2,
            "leraar": 0.8,
            "student": 0.6,
        },
        (
            "Regionale kenniscentra voor het onderwijs",
            "Werkplaatsen onderwijsonderzoek structureel maken",
            "Een kennishub in elke regio",
            "Structurele regionale samenwerking tussen scholen en kennisinstellingen",
        ),
        (
            "In elke regio is een kenniscentrum waar scholen, lerarenopleidingen en universiteiten samen kennis ontwikkelen en delen.",
            "De werkplaatsen onderwijsonderzoek krijgen structurele financiering en worden landelijk dekkend, voor po, vo en mbo.",
            "Geen losse projecten meer maar een vaste regionale infrastructuur voor kennis over onderwijs, zoals de academische werkplaatsen in de zorg.",
        ),
        (
            "Verleng de subsidie van de bestaande werkplaatsen met vier jaar.",
            "Breng in kaart welke samenwerkingsverbanden er in deze regio al zijn.",
            "Organiseer een startbijeenkomst met de besturen en kennisinstellingen uit de regio.",
        ),
    ),
    Idea(
        "onderzoekscoordinator",
        "kenniscentra",
        ("school",),
        0.8,
        {
            "schoolleider": 1.4,
            "leraar": 1.2,
            "lerarenopleider": 1.1,
            "bestuurder": 1.0,
            "onderzoeker": 0.9,
            "beleidsmaker": 0.6,
            "student": 0.5,
        },
        (
            "Een onderzoekscoördinator op elke school",
            "Aanjager van onderzoek binnen het schoolbestuur",
            "Functie onderzoekscoördinator erkennen",
            "Kartrekker onderzoek per school",
        ),
        (
            "Elke school of stichting heeft een coördinator onderzoek die collega's helpt met onderzoeksvragen, data en literatuur.",
            "Een vaste functie binnen het bestuur verbindt het onderzoek over de scholen heen en legt contact met hogescholen en universiteiten.",
            "De rol van onderzoekscoördinator krijgt een eigen functieprofiel en schaal, zodat het geen klusje erbij is.",
        ),
        (
            "Stel bij drie scholen van het bestuur een onderzoekscoördinator aan voor één dag per week.",
            "Schrijf samen met de vakbonden een functieprofiel voor de onderzoekscoördinator.",
            "Start een netwerk van onderzoekscoördinatoren in de regio dat vier keer per jaar bijeenkomt.",
        ),
    ),
    Idea(
        "vraagbaak-schoolleiders",
        "kenniscentra",
        ("kennisinstelling",),
        0.5,
        {"schoolleider": 2.0, "bestuurder": 0.4},
        (
            "Vraagbaak voor schoolleiders",
            "Snel antwoord uit onderzoek voor schoolleiders",
            "Helpdesk onderwijsonderzoek voor directeuren",
            "Kennisloket voor schoolontwikkeling",
        ),
        (
            "Een schoolleider die voor een keuze staat, kan een vraag stellen en krijgt binnen twee weken een onderbouwd antwoord uit onderzoek.",
            "Schoolleiders hebben één plek waar ze objectieve en wetenschappelijk onderbouwde inzichten vinden om hun schoolontwikkeling te onderbouwen.",
            "Directeuren kunnen bij een onafhankelijk kennisloket terecht in plaats van afhankelijk te zijn van adviesbureaus en uitgevers.",
        ),
        (
            "Start een proef waarin twintig schoolleiders een jaar lang vragen kunnen stellen.",
            "De PO-Raad en de VO-raad verzamelen de vragen die schoolleiders het vaakst hebben.",
            "Maak van elke beantwoorde vraag een korte notitie die andere scholen ook kunnen lezen.",
        ),
    ),
    Idea(
        "subsidie-eenvoudig",
        "financiering",
        ("overheid", "kennisinstelling"),
        0.7,
        {
            "bestuurder": 1.7,
            "onderzoeker": 1.4,
            "schoolleider": 1.0,
            "lerarenopleider": 0.8,
            "leraar": 0.4,
            "beleidsmaker": 0.9,
            "student": 0.2,
        },
        (
            "Eenvoudiger subsidieaanvragen voor scholen",
            "Kleine subsidies zonder ingewikkelde procedure",
            "Minder concurrentie, meer kans op onderzoeksgeld",
            "Loten in plaats van eindeloos schrijven",
        ),
        (
            "Scholen en besturen kunnen met een korte aanvraag geld krijgen voor onderzoek, zonder dat ze er een subsidieadviseur voor nodig hebben.",
            "De subsidieprocedures voor onderwijsonderzoek worden zo eenvoudig dat ook een kleine school of een klein bestuur de strijd durft aan te gaan.",
            "Onder de goede aanvragen wordt geloot, zodat niet steeds dezelfde grote instellingen winnen en schrijven minder tijd kost.",
        ),
        (
            "Het NRO zet een ronde open met aanvragen van hoogstens twee pagina's.",
            "Probeer bij de volgende ronde een loting onder alle voldoende beoordeelde aanvragen.",
            "Maak een voorbeeldaanvraag die besturen kunnen hergebruiken.",
        ),
    ),
    Idea(
        "structureel-geld",
        "financiering",
        ("overheid",),
        0.8,
        {
            "bestuurder": 1.5,
            "schoolleider": 1.4,
            "leraar": 0.9,
            "onderzoeker": 0.9,
            "lerarenopleider": 0.9,
            "beleidsmaker": 0.5,
            "student": 0.5,
        },
        (
            "Structureel geld voor onderzoek in plaats van projecten",
            "Een vast onderzoeksbudget voor elk schoolbestuur",
            "Stop met projectfinanciering",
            "Onderzoeksgeld in de lumpsum",
        ),
        (
            "Elk schoolbestuur krijgt een vast budget voor onderzoek en ontwikkeling, zodat goede samenwerkingen niet na twee jaar ophouden.",
            "De financiering van onderwijsonderzoek gaat van losse projecten naar structurele middelen voor duurzame samenwerking.",
            "Een vast deel van de lumpsum is bestemd voor onderzoek, zoals ook in de zorg een deel van het budget naar onderzoek gaat.",
        ),
        (
            "Maak in de begroting van het bestuur een aparte post voor onderzoek zichtbaar.",
            "Vraag het ministerie om een experiment met vaste onderzoeksbudgetten bij tien besturen.",
            "Breng in kaart hoeveel projecten na afloop van de subsidie zijn gestopt.",
        ),
    ),
    Idea(
        "samen-aanvragen",
        "financiering",
        ("sectorraad", "school"),
        0.4,
        {"bestuurder": 2.0, "schoolleider": 0.3},
        (
            "Besturen bundelen hun krachten bij subsidieaanvragen",
            "Een gezamenlijk subsidiebureau voor kleine besturen",
            "Samen aanvragen in plaats van concurreren",
        ),
        (
            "Kleine schoolbesturen vormen consortia en vragen samen subsidie aan, met ondersteuning van een gedeeld subsidiebureau.",
            "Besturen concurreren niet meer met elkaar om onderzoeksgeld maar schrijven samen aanvragen, zodat ook kleine besturen meedoen.",
            "De sectorraad ondersteunt besturen bij het vormen van consortia en het schrijven van gezamenlijke aanvragen.",
        ),
        (
            "Vijf besturen uit de regio schrijven samen één aanvraag voor de volgende ronde.",
            "De sectorraad zoekt uit hoe een gedeeld subsidiebureau betaald kan worden.",
            "Maak een overzicht van alle subsidierondes van het komende jaar.",
        ),
    ),
    Idea(
        "studentenonderzoek",
        "elkaar-vinden",
        ("lerarenopleiding",),
        0.6,
        {
            "lerarenopleider": 1.7,
            "student": 1.6,
            "leraar": 0.8,
            "onderzoeker": 0.8,
            "schoolleider": 0.7,
            "bestuurder": 0.4,
            "beleidsmaker": 0.5,
        },
        (
            "Afstudeeronderzoek van studenten voor vragen van de school",
            "Studenten onderzoeken praktijkvragen van hun stageschool",
            "Onderzoekend vermogen centraal in de lerarenopleiding",
            "Pabostudenten als onderzoekers",
        ),
        (
            "Studenten van de lerarenopleiding doen hun afstudeeronderzoek op een vraag die hun stageschool echt heeft.",
            "Elke lerarenopleiding leert studenten onderzoek lezen en doen, en koppelt dat aan vragen uit de praktijk van de stageschool.",
            "Het onderzoek van studenten wordt niet in een la gestopt maar gebruikt door de school waar het is gedaan.",
        ),
        (
            "De opleidingsschool verzamelt elk jaar in september praktijkvragen voor studenten.",
            "Studenten presenteren hun onderzoek aan het team van de stageschool.",
            "Maak een gedeelde map met alle afstudeeronderzoeken van de afgelopen jaren.",
        ),
    ),
    Idea(
        "onderzoekscultuur",
        "benutten",
        ("school",),
        0.6,
        {
            "schoolleider": 1.5,
            "bestuurder": 1.3,
            "leraar": 0.7,
            "lerarenopleider": 0.9,
            "onderzoeker": 0.8,
            "beleidsmaker": 0.6,
            "student": 0.4,
        },
        (
            "Onderzoek onderdeel van het schoolbeleid",
            "Een onderzoekende cultuur in de school",
            "Onderzoek in de gesprekkencyclus",
            "Schoolleiders die onderzoek stimuleren",
        ),
        (
            "Onderzoek is een vast onderdeel van het schoolplan en van de gesprekken tussen schoolleider en leraren.",
            "Schoolleiders maken ruimte voor een onderzoekende houding: vragen stellen, gegevens verzamelen en samen leren van wat werkt.",
            "In elke school is het normaal om beslissingen te onderbouwen met kennis uit onderzoek en uit de eigen praktijk.",
        ),
        (
            "Neem in het volgende schoolplan één onderzoeksvraag op waar het hele team aan werkt.",
            "Bespreek in elk jaargesprek welk onderzoek een leraar heeft gelezen of gedaan.",
            "Organiseer aan het eind van het jaar een middag waarop teams hun onderzoek aan elkaar laten zien.",
        ),
    ),
    Idea(
        "beleid-beproeven",
        "innovaties",
        ("overheid",),
        0.4,
        {"beleidsmaker": 2.2, "bestuurder": 0.4, "onderzoeker": 0.3},
        (
            "Nieuw onderwijsbeleid eerst beproeven",
            "Beleid onderbouwen met onderzoek",
            "Experimenteerruimte met evaluatie bij elke beleidswijziging",
        ),
        (
            "Nieuw onderwijsbeleid wordt eerst op kleine schaal uitgeprobeerd en onderzocht voordat het landelijk wordt ingevoerd.",
            "Bij elke beleidsmaatregel staat vooraf vast hoe we gaan onderzoeken of die werkt, en de uitkomsten zijn openbaar.",
            "Beleidsmakers gebruiken kennis uit onderzoek structureel bij het maken van beleid en betrekken onderzoekers vanaf het begin.",
        ),
        (
            "Het ministerie kiest twee komende maatregelen om eerst als pilot met onderzoek uit te voeren.",
            "Elke beleidsnota bevat een paragraaf over het onderzoek waarop die steunt.",
            "Stel een klein team van onderzoekers aan dat beleidsmakers gevraagd en ongevraagd adviseert.",
        ),
    ),
)

# Words people swap for one another; the same idea then reads differently from room to room.
SYNONYMS = {
    "leraar": ("docent", "leerkracht"),
    "leraren": ("docenten", "leerkrachten"),
    "onderzoeker": ("wetenschapper",),
    "onderzoekers": ("wetenschappers",),
    "artikelen": ("publicaties",),
    "elke": ("iedere",),
    "iedere": ("elke",),
    "makkelijk": ("gemakkelijk",),
    "structureel": ("blijvend",),
    "snel": ("vlot",),
}
_SYNONYM_WORD = re.compile(r"\b(" + "|".join(SYNONYMS) + r")\b", re.IGNORECASE)
SYNONYM_SHARE = 0.35

BOTTLENECK_LINK_SHARE = 0.35
OTHER_THEME_SHARE = 0.1
NO_THEME_SHARE = 0.05
NO_SMALL_SHARE = 0.08
NO_BIG_SHARE = 0.03
OTHER_ACTOR_SHARE = 0.2
NO_ACTOR_SHARE = 0.05

FULL_BUDGET_SHARE = 0.8
NO_VOTE_SHARE = 0.05
SECOND_DOT_SHARE = 0.2
PROMISING_PER_BOARD = 3


# --- wording -------------------------------------------------------------------------------------


def bench_app(database: Path, folder: str | Path, **settings):
    """An app on the SQLite file ``database`` that mails nobody and writes only under ``folder``:
    what the report benches run on. ``settings`` add to or override these."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "INSTANCE_DIR": str(folder),
            "SECRET_KEY": "bench-secret-key",
            "MAIL_SERVER": None,
            "MAIL_OUTBOX_DIR": str(Path(folder) / "outbox"),
            "BASE_URL": "http://sessie.bench",
            **settings,
        }
    )


def _reword(text: str, rng: random.Random) -> str:
    def swap(match: re.Match) -> str:
        word = match.group(0)
        if rng.random() >= SYNONYM_SHARE:
            return word
        other = rng.choice(SYNONYMS[word.lower()])
        return other.capitalize() if word[0].isupper() else other

    return _SYNONYM_WORD.sub(swap, text)


def _typo(text: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped in one longer word, as thumbs on a phone do."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def _casual(text: str, rng: random.Random) -> str:
    """How phones type: sometimes no capital, sometimes no full stop, now and then a typo."""
    text = _reword(text, rng)
    if rng.random() < 0.08:
        text = text[0].lower() + text[1:]
    if text.endswith(".") and rng.random() < 0.15:
        text = text[:-1]
    if rng.random() < 0.05:
        text = _typo(text, rng)
    return text


def _proposal_text(idea: Idea, rng: random.Random) -> dict:
    big = None if rng.random() < NO_BIG_SHARE else _casual(rng.choice(idea.bigs), rng)
    small = None if rng.random() < NO_SMALL_SHARE else _casual(rng.choice(idea.smalls), rng)
    if rng.random() < NO_ACTOR_SHARE:
        actor = None
    elif len(idea.actors) > 1 and rng.random() < OTHER_ACTOR_SHARE:
        actor = rng.choice(idea.actors[1:])
    else:
        actor = idea.actors[0]
    return {"title": _reword(rng.choice(idea.titles), rng), "big": big, "small": small, "actor": actor}


# --- the steps of a session ----------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _profile(rng: random.Random, role_mix: dict) -> tuple[str, str]:
    role = _weighted(rng, role_mix)
    return role, _weighted(rng, SECTOR_MIX[role])


def _register(meeting: Meeting, count: int, role_mix: dict, numbers, rng: random.Random) -> list[tuple[str, str]]:
    """Confirmed (and a few cancelled) registrations; returns the profiles of those who came."""
    # A full room: the organiser raised the capacity rather than turn people away.
    meeting.capacity = max(meeting.capacity, count)
    start = meeting.starts.astimezone(UTC).replace(tzinfo=None)
    came = []
    rows = []
    for _ in range(count + round(count * CANCELLED_SHARE)):
        n = next(numbers)
        role, sector = _profile(rng, role_mix)
        wishes = rng.random() < 0.1
        row = Registration(
            meeting_id=meeting.id,
            status=CONFIRMED,
            name=f"Deelnemer {n}",
            email=f"deelnemer{n}@example.org",
            organisation=f"Organisatie {rng.randint(1, 60)}",
            role=role,
            sector=sector,
            meal=rng.random() < 0.85,
            health_consent=wishes,
            dietary=rng.choice(DIETARY) if wishes else None,
            accessibility=rng.choice(ACCESSIBILITY) if wishes and rng.random() < 0.2 else None,
            locale="en" if rng.random() < 0.05 else "nl",
        )
        if len(rows) >= count:
            row.status, row.cancelled_at = CANCELLED, utcnow()
        elif rng.random() < CHECKED_IN:
            row.checked_in_at = start + timedelta(minutes=rng.randint(-20, 45))
            came.append((role, sector))
        rows.append(row)
    db.session.add_all(rows)
    db.session.commit()
    return came


def _join(board_id: int, count: int, came: list, role_mix: dict, rng: random.Random) -> list[tuple[int, str | None]]:
    """Phones on the board, mostly of people who checked in; returns (participant id, role)."""
    profiles = list(came)
    rng.shuffle(profiles)
    # More phones than check-ins: walk-ins, and someone on a second device.
    profiles += [_profile(rng, role_mix) for _ in range(count - len(profiles))]
    people = []
    for number, (role, sector) in enumerate(profiles[:count], start=1):
        if rng.random() < NO_PROFILE_SHARE:
            role = sector = None
        nickname = f"{rng.choice(NICKNAMES)} {number}" if rng.random() < NICKNAME_SHARE else None
        participant = board_services.join(board_id, None, nickname=nickname, role=role, sector=sector)
        people.append((participant.id, role))
    return people


def _complain(board_id: int, people: list, client_ids, rng: random.Random) -> list[tuple[int, str]]:
    """The invitation's six complaints as starters plus the room's own; returns (id, theme key)."""
    themes = {theme.id: theme.key for theme in board_services.get_board(board_id).themes}
    bottlenecks = [(b["id"], themes[b["theme_id"]]) for b in board_services.load_starters(board_id, None)]
    pool = [(theme, text) for theme, texts in COMPLAINTS.items() for text in texts]
    for theme, text in rng.sample(pool, min(len(pool), BOTTLENECKS_PER_BOARD - len(bottlenecks))):
        author, _role = rng.choice(people)
        result = board_services.add_bottleneck(author, next(client_ids), _casual(text, rng))
        bottlenecks.append((result["bottleneck"]["id"], theme))
    return bottlenecks


def _propose(
    board_id: int, count: int, people: list, bottlenecks: list, client_ids, rng: random.Random
) -> list[tuple[int, Idea, float]]:
    """Proposals written by people drawn to their idea; returns (id, idea, how well it is put)."""
    theme_ids = {theme.key: theme.id for theme in board_services.get_board(board_id).themes}
    by_theme = defaultdict(list)
    for bottleneck_id, theme in bottlenecks:
        by_theme[theme].append(bottleneck_id)
    popularity = [idea.popularity for idea in IDEAS]
    written = []
    for _ in range(count):
        idea = rng.choices(IDEAS, weights=popularity)[0]
        author, _role = rng.choices(people, weights=[idea.support.get(role, LOW) for _pid, role in people])[0]
        theme = idea.theme
        if rng.random() < OTHER_THEME_SHARE:
            theme = rng.choice(list(theme_ids))
        theme_id = None if rng.random() < NO_THEME_SHARE else theme_ids[theme]
        bottleneck_id = (
            rng.choice(by_theme[theme]) if by_theme[theme] and rng.random() < BOTTLENECK_LINK_SHARE else None
        )
        result = board_services.add_proposal(
            author, next(client_ids), **_proposal_text(idea, rng), bottleneck_id=bottleneck_id, theme_id=theme_id
        )
        written.append((result["proposal"]["id"], idea, rng.lognormvariate(0, 0.5)))
    return written


def _vote(people: list, written: list, budget: int, max_per_proposal: int, client_ids, rng: random.Random) -> int:
    """Dots from every phone: by idea popularity, the role's interest and how well it is put."""
    ids = [proposal_id for proposal_id, _idea, _quality in written]
    weights_by_role = {}
    dots = 0
    for participant_id, role in people:
        if role not in weights_by_role:
            weights_by_role[role] = [
                idea.popularity * idea.support.get(role, LOW) * quality for _pid, idea, quality in written
            ]
        weights = weights_by_role[role]
        draw = rng.random()
        spend = (
            0
            if draw < NO_VOTE_SHARE
            else budget
            if draw < NO_VOTE_SHARE + FULL_BUDGET_SHARE
            else rng.randint(1, budget - 1)
        )
        spend = min(spend, len(ids) * max_per_proposal)
        mine = Counter()
        while sum(mine.values()) < spend:
            again = [pid for pid, n in mine.items() if n < max_per_proposal]
            if again and rng.random() < SECOND_DOT_SHARE:
                proposal_id = rng.choice(again)
            else:
                proposal_id = rng.choices(ids, weights=weights)[0]
                if mine[proposal_id]:
                    continue
            board_services.vote(participant_id, next(client_ids), proposal_id, 1)
            mine[proposal_id] += 1
            dots += 1
    return dots


def _merge_duplicate(board_id: int, written: list) -> None:
    """The facilitator folds the runner-up of the most written idea into its most voted proposal."""
    counts = board_services.tally(board_id)["counts"]
    by_idea = defaultdict(list)
    for proposal_id, idea, _quality in written:
        if str(proposal_id) in counts:
            by_idea[idea.key].append(proposal_id)
    twins = max(by_idea.values(), key=len, default=[])
    if len(twins) >= 2:
        keep, merged = sorted(twins, key=lambda pid: -counts[str(pid)])[:2]
        board_services.merge(board_id, keep, merged, None)


def _mark_promising(board_id: int) -> None:
    counts = board_services.tally(board_id)["counts"]
    for proposal_id in sorted(counts, key=lambda pid: -counts[pid])[:PROMISING_PER_BOARD]:
        board_services.set_flag(board_id, int(proposal_id), "promising", True, None)


# --- the whole data set --------------------------------------------------------------------------


def _sessions(
    meetings: list[Meeting], participants: int, proposals: int, votes_per_participant: int, rng: random.Random
) -> int:
    """Every session from registration to harvest; returns the number of dots cast."""
    numbers = itertools.count(1)
    client_ids = (f"bench-{n:08d}" for n in itertools.count(1))
    dots = 0
    for index, meeting in enumerate(meetings):
        # Each region brings its own mix: more teachers here, more researchers there.
        role_mix = {role: weight * rng.uniform(0.7, 1.3) for role, weight in ROLE_MIX.items()}
        came = _register(meeting, round(participants * REGISTRATIONS_PER_PARTICIPANT), role_mix, numbers, rng)
        board = board_services.create_board(
            f"Plan van Aanpak {meeting.city}", meeting_id=meeting.id, votes_per_participant=votes_per_participant
        )
        board_id, max_per_proposal = board.id, board.max_votes_per_proposal
        people = _join(board_id, participants, came, role_mix, rng)

        bottlenecks = _complain(board_id, people, client_ids, rng)
        if index == 1:
            author, _role = rng.choice(people)
            text, reason = OFF_TOPIC_BOTTLENECK
            stray = board_services.add_bottleneck(author, next(client_ids), text)["bottleneck"]["id"]
            board_services.set_bottleneck_hidden(board_id, stray, True, reason, None)

        board_services.set_phase(board_id, OPPEREN, None)
        board_services.set_timer(board_id, 20 * 60, None)
        written = _propose(board_id, proposals, people, bottlenecks, client_ids, rng)
        if index == 0:
            author, _role = rng.choice(people)
            title, reason = OFF_TOPIC_PROPOSAL
            stray = board_services.add_proposal(author, next(client_ids), title)["proposal"]["id"]
            board_services.set_hidden(board_id, stray, True, reason, None)

        board_services.set_phase(board_id, STEMMEN, None)
        board_services.set_timer(board_id, 10 * 60, None)
        dots += _vote(people, written, votes_per_participant, max_per_proposal, client_ids, rng)
        if index == len(meetings) - 1:
            _merge_duplicate(board_id, written)

        board_services.set_phase(board_id, OOGSTEN, None)
        _mark_promising(board_id)
    return dots


def populate(
    sessions: int = 5, participants: int = 150, proposals: int = 150, votes_per_participant: int = 5, seed: int = 2027
) -> dict:
    """Fill the empty database of the current app context; returns counts of what was made.

    All five sessions of the series are created (as ``make`` does); the first ``sessions`` of
    them, by date, get registrations and a board."""
    if db.session.scalar(select(func.count(Board.id))) or db.session.scalar(select(func.count(Registration.id))):
        raise RuntimeError("populate() needs an empty database")
    if votes_per_participant < 2:
        raise ValueError("votes_per_participant must be at least 2")
    seed_module.seed(seed_module.load_file(seed_module.DEFAULT_FILE), today_local())
    meetings = list(db.session.scalars(select(Meeting).order_by(Meeting.date, Meeting.id)))
    if not 1 <= sessions <= len(meetings):
        raise ValueError(f"sessions must be between 1 and {len(meetings)}")
    # The board services answer with translated actor labels, and the locale comes from a request.
    with current_app.test_request_context():
        dots = _sessions(meetings[:sessions], participants, proposals, votes_per_participant, random.Random(seed))

    def count(query) -> int:
        return db.session.scalar(query)

    return {
        "sessions": sessions,
        "registrations": count(select(func.count(Registration.id)).where(Registration.status == CONFIRMED)),
        "checked_in": count(select(func.count(Registration.id)).where(Registration.checked_in_at.is_not(None))),
        "boards": count(select(func.count(Board.id))),
        "participants": count(select(func.count(Participant.id))),
        "bottlenecks": count(select(func.count(Bottleneck.id))),
        "proposals": count(select(func.count(Proposal.id))),
        "visible_proposals": count(
            select(func.count(Proposal.id)).where(Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None))
        ),
        "votes": dots,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="new SQLite file to create")
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--participants", type=int, default=150)
    parser.add_argument("--proposals", type=int, default=150)
    parser.add_argument("--votes", type=int, default=5, help="votes per participant")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)
    path = args.db.resolve()
    if path.exists():
        sys.exit(f"{path} exists; give a new file")
    path.parent.mkdir(parents=True, exist_ok=True)

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        counts = populate(args.sessions, args.participants, args.proposals, args.votes, args.seed)
    print(json.dumps(counts))
    print(f"Start the app on it: DATABASE_URL=sqlite:///{path} .venv/bin/flask --app sessie_app run", file=sys.stderr)


if __name__ == "__main__":
    main()
