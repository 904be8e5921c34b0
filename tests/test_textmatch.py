"""The shared Dutch normaliser: folding, stop words, stems, concepts and compounds."""

import pytest

from sessie_app.textmatch import SYNONYMS_FILE, entry_stem, lexicon, normalise


def test_normalise_folds_accents_drops_stop_words_and_stems():
    assert normalise("leraren") == normalise("leraar")
    assert normalise("De coördinator en het café") == normalise("coordinator cafe")
    assert "de" not in normalise("de leraar van de school").split()
    assert normalise("de en het van") == ""
    assert normalise("") == "" and normalise(None) == ""


def test_normalise_maps_education_synonyms_to_one_concept():
    assert normalise("De leraren en de docent") == "leraar leraar"
    assert normalise("leerkracht") == normalise("juf") == normalise("juffen") == normalise("meesters") == "leraar"
    assert normalise("directeur") == normalise("schoolleider") == normalise("rector")
    assert normalise("subsidie") == normalise("geld") == normalise("budget") == normalise("financiering")
    assert normalise("paywall") == normalise("betaalmuur")
    # Snowball keeps the -s of plurals on a vowel; the lookup still finds the singular.
    assert normalise("studies") == normalise("studie") and normalise("keuzes") == normalise("keuze")
    # The Porter stemmer on purpose: Snowball 3's default Dutch turns "begeleiding" into "beleid".
    assert normalise("begeleiding") != normalise("beleid")
    assert normalise("gezin") != normalise("zin")


def test_normalise_splits_compounds_into_known_parts():
    assert normalise("onderzoekstijd") == "onderzoek tijd"
    assert sorted(normalise("onderzoekstijd").split()) == sorted(normalise("tijd voor onderzoek").split())
    assert normalise("schoolonderzoek") == normalise("school onderzoek")
    assert normalise("universiteitsbibliotheek") == normalise("universiteit bibliotheek")
    assert sorted(normalise("subsidieloket").split()) == sorted(normalise("loket voor subsidie").split())
    # Both halves must be known; otherwise the word stays whole rather than be cut at random.
    assert len(normalise("avonturenboek").split()) == 1
    # A very long "word" is not searched for parts (and does not take long).
    assert normalise("a" * 5000) == "a" * 5000


def test_synonyms_file_loads_as_single_words_with_the_core_concepts():
    assert SYNONYMS_FILE.parent.name == "data" and SYNONYMS_FILE.suffix == ".toml"
    concepts, known = lexicon()
    names = {name for names in concepts.values() for name in names}
    assert {"leraar", "schoolleider", "financiering", "lerarenopleiding", "onderzoeker", "tijd"} <= names
    assert set(concepts) <= known
    with pytest.raises(ValueError, match="not a single word"):
        entry_stem("open access")


def test_a_knowledge_desk_and_knowledge_centres_share_a_concept():
    assert "loket" in normalise("Kennisloket").split()
    assert "loket" in normalise("Regionale kenniscentra").split() and "regio" in normalise("regionale").split()
    assert normalise("kenniscentra") == normalise("kenniscentrum")
    assert normalise("Het bestuur maakt geld vrij") == normalise("bestuur geld vrij")
