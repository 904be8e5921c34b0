"""The words the pages' scripts show people, in the page's language: one catalogue per page.

A page carries its catalogue as JSON in the body's ``data-words`` attribute (base.html), and
static/js/words.js looks words up with ``t("dotted.key", {name: value})``. Placeholders are
``{name}``; a plural is ``{"one": …, "other": …}``, and the page picks the form by ``count``.
One concept has one word on every screen: a proposal the facilitator puts on top is "Uitgelicht"
on the phones, the console and the projector alike.
"""

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import ngettext

from .board.models import MOPPEREN, OOGSTEN, OPPEREN, STEMMEN, Board

COUNT = "{count}"  # filled in on the page


def _plural(forms: Callable[[int], str]) -> dict[str, str]:
    """Both forms of a plural, for the page to choose from by the count it has then.

    ``forms(n)`` is one ngettext call that leaves ``{count}`` in the text for the page to fill.
    """
    return {"one": forms(1), "other": forms(2)}


def phase_names() -> dict[str, str]:
    return {MOPPEREN: _("Mopperen"), OPPEREN: _("Opperen"), STEMMEN: _("Stemmen"), OOGSTEN: _("Oogsten")}


def moderation_actions() -> dict[str, str]:
    """What each entry of a board's moderation log did: the console's log and the report's counts.
    An action missing here shows as it is stored."""
    return {
        "phase": _("Fase gewisseld"),
        "timer": _("Timer gezet of gestopt"),
        "lock": _("Bord vergrendeld"),
        "unlock": _("Bord ontgrendeld"),
        "archive": _("Bord gearchiveerd"),
        "unarchive": _("Bord uit het archief gehaald"),
        "joining:closed": _("Meedoen gesloten"),
        "joining:open": _("Meedoen weer open"),
        "hide": _("Verborgen"),
        "hide:author": _("Alles van één deelnemer verborgen"),
        "unhide": _("Weer zichtbaar gemaakt"),
        "edit": _("Voorstel bewerkt"),
        "pinned:on": _("Uitgelicht"),
        "pinned:off": _("Niet meer uitgelicht"),
        "promising:on": _("Als kansrijk gemarkeerd"),
        "promising:off": _("Markering kansrijk weggehaald"),
        "theme": _("Thema toegekend"),
        "merge": _("Voorstellen samengevoegd"),
        "starters": _("Startknelpunten geladen"),
        "import": _("Voorstellen van papier ingevoerd"),
    }


def phase_texts(board: Board) -> dict[str, dict[str, str]]:
    """Name and one-line instruction of each phase, for the console, the projector and the poster."""
    budget = board.votes_per_participant
    names = phase_names()
    return {
        MOPPEREN: {"name": names[MOPPEREN], "instruction": _("Noem knelpunten in één zin")},
        OPPEREN: {"name": names[OPPEREN], "instruction": _("Groot denken, klein doen: doe een voorstel")},
        STEMMEN: {
            "name": names[STEMMEN],
            "instruction": ngettext("Verdeel uw %(num)d stem", "Verdeel uw %(num)d stemmen", budget),
        },
        OOGSTEN: {"name": names[OOGSTEN], "instruction": _("De ranglijst staat vast")},
    }


def common() -> dict:
    """What every page needs: the character counter under a limited field."""
    return {
        "count": {
            "left": _plural(lambda n: ngettext("Nog %(count)s teken", "Nog %(count)s tekens", n, count=COUNT)),
            "over": _plural(lambda n: ngettext("%(count)s teken te veel", "%(count)s tekens te veel", n, count=COUNT)),
        },
    }


def _live() -> dict:
    """The words the phone, the console and the projector share."""
    return {
        "connection": {
            "connecting": _("Verbinden…"),
            "ok": _("Verbonden"),
            "lost": _("Verbinding weg – we proberen het opnieuw…"),
        },
        "flags": {"pinned": _("Uitgelicht"), "promising": _("Kansrijk")},
    }


def _votes() -> dict:
    """The count under a proposal on the phone ("3 stemmen")."""
    return {"votes": _plural(lambda n: ngettext("%(count)s stem", "%(count)s stemmen", n, count=COUNT))}


def _vote_word() -> dict:
    """The word under a big number on the console and the projector."""
    return {"vote-word": _plural(lambda n: ngettext("stem", "stemmen", n))}


def _participants() -> dict:
    """How many people joined, on the phone and the projector."""
    return {"participants": _plural(lambda n: ngettext("%(count)s deelnemer", "%(count)s deelnemers", n, count=COUNT))}


def _errors() -> dict[str, str]:
    """Fallbacks for acknowledgements without a message of their own (docs/realtime.md)."""
    return {
        "invalid": _("Dat klopt niet helemaal. Controleer wat u invulde."),
        "not_joined": _("De verbinding met het bord is verlopen. Vernieuw de pagina."),
        "not_found": _("Dat bestaat niet (meer). Misschien is het net samengevoegd."),
        "forbidden": _("U bent niet (meer) ingelogd als organisator. Log opnieuw in."),
        "locked": _("Het bord is vergrendeld."),
        "wrong_phase": _("Dat kan niet in deze fase."),
        "rate_limited": _("Even rustig aan: probeer het over een paar seconden opnieuw."),
        "too_large": _("Dat is te veel tekst."),
        "timeout": _("Geen antwoord van de server. Controleer de verbinding en probeer het opnieuw."),
        "other": _("Dat lukte niet. Probeer het opnieuw."),
    }


def phone(board: Board) -> dict:
    """The participant's phone (static/js/board.js)."""
    phases = phase_names()
    help_texts = {
        MOPPEREN: _("Wat loopt er vast? Schrijf één knelpunt op, in één zin."),
        OPPEREN: _("Niet mopperen, maar opperen: groot denken, klein doen."),
        STEMMEN: _("Zet uw stemmen op de voorstellen die u het belangrijkst vindt."),
        OOGSTEN: _("De stemming is gesloten. Dit is de uitslag."),
    }
    return {
        **common(),
        **_live(),
        **_votes(),
        **_participants(),
        "phases": {key: {"name": name, "help": help_texts[key]} for key, name in phases.items()},
        "pending": _("wordt verstuurd…"),
        "queued": _("Geen verbinding: we versturen het zodra die terug is."),
        "failed": _("Dat lukte niet. Probeer het opnieuw."),
        "rejoin-failed": _("Aanmelden bij het bord lukte niet. Herlaad de pagina."),
        "load-failed": _("Het bord kon niet laden. Herlaad de pagina."),
        "timer": _("Nog %(time)s", time="{time}"),
        "timer-done": _("De tijd is om"),
        "remaining": _("Nog %(n)s van %(total)s stemmen", n="{n}", total="{total}"),
        "remaining-none": _(
            "Alle %(total)s stemmen gebruikt. Neem er een terug om te verschuiven.",
            total="{total}",
        ),
        "my-votes": _("Uw stemmen hierop: %(n)s van %(max)s", n="{n}", max="{max}"),
        "vote-plus": _("Stem erbij op: %(title)s", title="{title}"),
        "vote-minus": _("Stem terugnemen van: %(title)s", title="{title}"),
        "merge-returned": _plural(
            lambda n: ngettext(
                "Twee voorstellen zijn samengevoegd. U had op allebei gestemd; %(count)s stem telt nu niet dubbel en is terug: u kunt hem opnieuw geven.",
                "Twee voorstellen zijn samengevoegd. U had op allebei gestemd; %(count)s stemmen tellen nu niet dubbel en zijn terug: u kunt ze opnieuw geven.",
                n,
                count=COUNT,
            )
        ),
        "why-max": _plural(
            lambda n: ngettext(
                "Maximaal %(count)s stem per voorstel.", "Maximaal %(count)s stemmen per voorstel.", n, count=COUNT
            )
        ),
        "big": _("Groot denken:"),
        "small": _("Klein doen:"),
        "actor": _("Aan zet:"),
        "author": _("Door %(name)s", name="{name}"),
        "posted": _("Geplaatst."),
        "need-text": _("Schrijf eerst uw knelpunt op."),
        "need-title": _("Geef uw voorstel eerst een titel."),
        "too-long": _("Dit is te lang: hoogstens %(max)s tekens.", max="{max}"),
        "me-anonymous": _("U doet anoniem mee."),
        "me-named": _("U doet mee als %(name)s.", name="{name}"),
        "profile-saved": _("Bewaard."),
        "profile-failed": _("Niet bewaard. Probeer het opnieuw."),
    }


def console(board: Board) -> dict:
    """The facilitator's console (static/js/console.js); ``log`` also names the server-drawn log's actions."""
    return {
        **common(),
        **_live(),
        **_vote_word(),
        "phases": phase_texts(board),
        "errors": _errors(),
        "pending": _("Bezig…"),
        "saved": _("Opgeslagen"),
        "reason-required": _("Vul een reden in: die komt in het moderatielog."),
        "merge-same": _("Kies twee verschillende voorstellen."),
        "merge-choose": _("Kies het dubbele voorstel en het voorstel dat blijft."),
        "merge-confirm": _(
            "„%(merged)s” samenvoegen met „%(keep)s”? Dit kan niet ongedaan worden gemaakt.",
            merged="{merged}",
            keep="{keep}",
        ),
        "merged": _("Samengevoegd."),
        "hidden-author": _plural(
            lambda n: ngettext(
                "%(count)s bijdrage van deze deelnemer verborgen.",
                "%(count)s bijdragen van deze deelnemer verborgen.",
                n,
                count=COUNT,
            )
        ),
        "selected": _plural(
            lambda n: ngettext("%(count)s bijdrage gekozen", "%(count)s bijdragen gekozen", n, count=COUNT)
        ),
        "hidden-selected": _plural(
            lambda n: ngettext("%(count)s bijdrage verborgen.", "%(count)s bijdragen verborgen.", n, count=COUNT)
        ),
        "merged-returned": _plural(
            lambda n: ngettext(
                "Samengevoegd. %(count)s stem die dubbel stond, is terug bij wie hem gaf.",
                "Samengevoegd. %(count)s stemmen die dubbel stonden, zijn terug bij wie ze gaf.",
                n,
                count=COUNT,
            )
        ),
        "starters-loaded": _plural(
            lambda n: ngettext("%(count)s knelpunt geladen.", "%(count)s knelpunten geladen.", n, count=COUNT)
        ),
        "starters-there": _("De knelpunten uit de uitnodiging staan er al."),
        "lock": _("Bord vergrendelen"),
        "unlock": _("Bord ontgrendelen"),
        "locked-state": _("Vergrendeld: niemand kan iets toevoegen of stemmen."),
        "checked-in": _("Ingecheckt bij de balie: %(n)s", n="{n}"),
        "close-joining": _("Meedoen sluiten"),
        "open-joining": _("Meedoen weer openen"),
        "joining-closed-state": _("Meedoen gesloten: wie al meedoet, blijft; nieuwe telefoons komen er niet bij."),
        "joining-open-state": _("Nieuwe telefoons kunnen meedoen."),
        "open-state": _("Niet vergrendeld: deelnemers kunnen toevoegen en stemmen."),
        "no-timer": _("geen timer"),
        "timer-minutes": _("Vul een aantal minuten in van 1 tot en met 180."),
        "pin": _("Uitlichten"),
        "promise": _("Kansrijk"),
        "hide": _("Verbergen…"),
        "unhide": _("Weer tonen"),
        "hidden": _("Verborgen"),
        "hidden-because": _("Verborgen: %(reason)s", reason="{reason}"),
        "no-theme": _("Geen thema"),
        "theme-of-bottleneck": _("Thema van het knelpunt: %(theme)s", theme="{theme}"),
        "theme-suggested": _("Thema voorgesteld: %(theme)s", theme="{theme}"),
        "theme-confirm": _("Bevestigen"),
        "anonymous": _("zonder naam"),
        "log": moderation_actions(),
        "log-reason": _("Reden: %(reason)s", reason="{reason}"),
    }


def projector(board: Board) -> dict:
    """The projector (static/js/projector.js)."""
    return {
        **common(),
        **_live(),
        **_vote_word(),
        **_participants(),
        "phases": phase_texts(board),
        "empty-bottlenecks": _("Nog geen knelpunten. Scan de code en noem het eerste!"),
        "empty-proposals": _("Nog geen voorstellen. Scan de code en doe het eerste!"),
        "latest-bottlenecks": _("Laatste knelpunten"),
        "ranking": _("Ranglijst"),
        "newest": _("Nieuwste voorstellen"),
    }


def scanner() -> dict:
    """The check-in desk's QR scanner (static/js/scan.js)."""
    return {
        **common(),
        "starting": _("De camera start…"),
        "scanning": _("Zoeken naar een QR-code…"),
        "found": _("Code gelezen, even geduld…"),
        "foreign": _("Dit is geen inchecklink van deze site. Probeer een andere code."),
        "insecure": _(
            "De camera werkt hier niet: de pagina moet via HTTPS (of localhost) openen. Gebruik de camera-app van de telefoon of zoek op naam."
        ),
        "denied": _(
            "Geen toegang tot de camera. Geef de browser toestemming, of gebruik de camera-app van de telefoon."
        ),
        "no-camera": _("Er is geen camera gevonden."),
        "no-decoder": _("Deze browser kan geen QR-codes lezen. Gebruik de camera-app van de telefoon of zoek op naam."),
    }
