"""Dutch text matching: the one normaliser behind the board's "lijkt op" hint and the report's grouping.

Text is lowercased, stripped of accents and of Dutch stop words; compounds are split into known
parts ("onderzoekstijd" → "onderzoek tijd"), each word is reduced to its Snowball Dutch stem, and
stems of the same education-sector concept are replaced by one name ("docent", "juf" and
"leerkracht" all become "leraar"). The concepts and the compound parts live in
``sessie_app/data/synonyms_nl.toml``, read once. Pure functions, no Flask and no database.
"""

import functools
import re
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

import snowballstemmer

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms_nl.toml"

# Dutch function words and words every proposal in this room uses, written without accents
# (accents are stripped before the lookup). Content words such as "onderzoek" stay: they are
# common, but TF-IDF already weighs them down, and removing them would empty short titles.
STOP_WORDS = frozenset(
    """
    aan achter af al alle alleen allemaal alles als altijd ander andere anders bij binnen boven
    bijvoorbeeld bijv bv daar daarbij daarin daarna daarom daarmee dan dat de deze die dit door doch
    dus een eens eigen elk elke en enig enige enkele er erg ergens even evenals hebben heb hebt
    heeft had hadden hen het hier hij hoe hoewel hun iedere iedereen ieder ik in is ja je jij jou
    jouw jullie kan kon konden kun kunnen kunt laat laten maar maken maakt me meer meest men met mij
    mijn moet moeten moest na naar niet niets nog nu of om omdat onder ons onze ook op over per te
    tegen toch toe tot u uit uw van veel voor vooral waar waarbij waardoor waarin waarom wanneer
    want was waren wat we weer wel welk welke werd werden wie wij wil willen word wordt worden zal
    zelf zich zij zijn zo zoals zodat zonder zou zouden zullen zeer steeds net nieuw nieuwe ze zit
    zitten gaan gaat ga geen ging kunnen mogen mag doen doet deed gedaan krijgen krijgt komt komen
    wordt een twee drie iets zo niet nooit vaak soms nodig goed goede beter echt heel hele gewoon
    the a an and or of to for in on with is are be by
    """.split()
)

# The Porter variant on purpose: Snowball 3's default "dutch" also drops "ge" inside words
# ("begeleiding" → "beleid", "gegevens" → "geven"), and once stems map to concepts such collisions
# glue unrelated proposals together. Before snowballstemmer 3 the Porter variant was called "dutch".
_DUTCH = snowballstemmer.stemmer("dutch_porter" if "dutch_porter" in snowballstemmer.algorithms() else "dutch")
_WORD = re.compile(r"[a-z0-9]+")
# Parts shorter than this are too often accidental ("be", "ver", "on" start half the language).
_MIN_PART = 3
# Real Dutch compounds stay well under this; the cap keeps a hostile 10,000-letter "word" cheap.
_MAX_COMPOUND = 40
# Linking sounds between the parts of a compound: onderzoek-s-tijd, leraar-en-kamer, school-e-.
_LINKS = ("s", "en", "e")


def fold(text: str) -> str:
    """Lowercase and strip accents: "coördinator" → "coordinator", "één" → "een"."""
    text = unicodedata.normalize("NFKD", str(text or "").lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def entry_stem(word: str) -> str:
    """The stem of a single word from the synonyms file; anything else there is a mistake."""
    tokens = _WORD.findall(fold(word))
    if len(tokens) != 1 or tokens[0] != fold(word).strip():
        raise ValueError(f"{SYNONYMS_FILE.name}: {word!r} is not a single word")
    return _DUTCH.stemWord(tokens[0])


@functools.cache
def lexicon() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """(stem → concept names, stems known to the compound splitter), from ``SYNONYMS_FILE``."""
    with SYNONYMS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    concepts: dict[str, list[str]] = defaultdict(list)
    for name, words in data["concept"].items():
        if not _WORD.fullmatch(name):
            raise ValueError(f"{SYNONYMS_FILE.name}: concept name {name!r} must be one plain word")
        for word in words:
            stem = entry_stem(word)
            if name not in concepts[stem]:
                concepts[stem].append(name)
    known = frozenset(concepts) | {entry_stem(word) for word in data["compound"]["parts"]}
    return {stem: tuple(names) for stem, names in concepts.items()}, known


def _known_stem(word: str) -> str | None:
    """The stem of ``word`` if the lexicon knows it, trying a plural -s off as well ("keuzes")."""
    known = lexicon()[1]
    stem = _DUTCH.stemWord(word)
    if stem in known:
        return stem
    # Snowball leaves the -s plural of words ending in a vowel ("studies", "methodes") alone.
    if word.endswith("s") and len(word) > _MIN_PART + 1:
        stem = _DUTCH.stemWord(word[:-1])
        if stem in known:
            return stem
    return None


@functools.lru_cache(maxsize=8192)
def _split(word: str) -> tuple[str, ...] | None:
    """Stems of the known parts of a compound, longest first part first; None if it is no compound.

    Every part must be known: guessing at unknown halves ("avonturen" → "avont uren") merges more
    wrongly than it finds.
    """
    if len(word) < 2 * _MIN_PART or len(word) > _MAX_COMPOUND:
        return None
    for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        heads = [head] + [head[: -len(link)] for link in _LINKS if head.endswith(link) and cut - len(link) >= _MIN_PART]
        head_stem = next((stem for candidate in heads if (stem := _known_stem(candidate))), None)
        if head_stem is None:
            continue
        tail_stem = _known_stem(tail)
        if tail_stem is not None:
            return (head_stem, tail_stem)
        rest = _split(tail)
        if rest is not None:
            return (head_stem, *rest)
    return None


@functools.lru_cache(maxsize=65536)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The normalised tokens of one folded, non-stop word: its stems, each mapped to its concepts."""
    known = _known_stem(word)
    stems = (known,) if known is not None else (_split(word) or (_DUTCH.stemWord(word),))
    concepts = lexicon()[0]
    return tuple(token for stem in stems for token in concepts.get(stem, (stem,)))


def normalise(text: str) -> str:
    """Folded, stop-word-free, compound-split, stemmed and concept-mapped words; "" when nothing is left.

    "De leraren en de docent" → "leraar leraar"; "onderzoekstijd" → "onderzoek tijd" (as
    "tijd voor onderzoek" gives); a word neither the stemmer nor ``SYNONYMS_FILE`` knows stays as
    its stem. Digits are kept ("po", "vo", "mbo", "10" survive); one-letter tokens are dropped.
    """
    words = _WORD.findall(fold(text))
    return " ".join(token for w in words if len(w) > 1 and w not in STOP_WORDS for token in _word_tokens(w))
