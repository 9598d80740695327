"""The content engine on small corpora a reader could judge by eye (pure: no database)."""

import numpy as np
import scipy.sparse as sp

from masthead.related.citation_graph import CitationGraph
from masthead.related.documents import Document, plain_text, reference_key
from masthead.related.engine import Engine
from masthead.related.reasons import CITED, CITES

BIRDS = "Migratory songbirds navigate by the magnetic field of the earth during migration"
SOIL = "Soil bacteria fix nitrogen in the roots of legumes and feed the crop"
FILLER = [
    "Glacier melt raises sea level along coasts",
    "Volcanic ash changes the weather for years",
    "Coral reefs bleach as oceans warm",
    "Desert plants store water in thick leaves",
    "Tides follow the moon and the sun",
    "Earthquakes release stress stored along faults",
]


def corpus(*extra: Document) -> list[Document]:
    docs = [
        Document(1, "Songbird migration and magnetic navigation", BIRDS, journal_id=1),
        Document(2, "Magnetic compass of migratory songbirds", BIRDS + " at night", journal_id=2),
        Document(3, "Nitrogen fixation by soil bacteria", SOIL, journal_id=1),
        Document(
            4, "Legume roots host nitrogen fixing bacteria", SOIL + " in fields", journal_id=1
        ),
    ]
    docs += [
        Document(10 + i, text.split()[0] + " studies", text, journal_id=3)
        for i, text in enumerate(FILLER)
    ]
    return docs + list(extra)


def lists(engine: Engine, **options) -> dict[int, list]:
    return dict(engine.recommend(workers=1, **options))


def test_the_same_topic_comes_first_with_the_concepts_in_common():
    found = lists(Engine(corpus()))
    first = found[1][0]
    assert first.other_id == 2
    assert first.reason.startswith("Similar topic: ")
    assert {"songbirds", "magnetic", "migratory"} & set(first.reason[15:].split(", "))
    assert found[3][0].other_id == 4


def test_an_article_never_recommends_itself_and_lists_are_bounded():
    found = lists(Engine(corpus()), keep=3)
    for article, suggestions in found.items():
        assert article not in [s.other_id for s in suggestions]
        assert len(suggestions) <= 3


def test_shared_references_and_citations_are_the_reasons_shown():
    shared = ("doi:10.1000/a", "pmid:123", "doi:10.1000/b")
    docs = corpus(
        Document(20, "Tides and glaciers", "Glacier melt and tides", references=shared),
        Document(21, "Faults and volcanoes", "Volcanic faults", references=shared[:2]),
        Document(22, "Reef tides", "Coral reefs and tides", cites=(20,)),
    )
    found = lists(Engine(docs))
    reasons = {s.other_id: s.reason for s in found[20]}
    assert reasons[21] == "Shares 2 references"
    assert reasons[22] == CITES
    assert {s.other_id: s.reason for s in found[22]}[20] == CITED
    assert found[21][0].other_id == 20  # two shared references beat a faint topic


def test_without_own_references_the_neighbours_references_still_lead():
    """A new article (no reference list) is pointed to the articles that share references
    with the articles most like it."""
    refs = ("pmid:1", "pmid:2", "pmid:3")
    docs = corpus(
        Document(30, "Songbird flight", BIRDS + " with stars", references=refs),
        Document(
            31, "Ocean chemistry", "Seawater chemistry along songbird flyways", references=refs
        ),
        Document(32, "Ocean salinity", "Seawater salinity along songbird flyways"),
    )
    found = dict(Engine(docs).recommend([1], own_references=False, workers=1))
    ranked = [s.other_id for s in found[1]]
    assert ranked.index(31) < ranked.index(32)  # lifted by its coupling with 30


def test_near_duplicates_and_other_versions_are_removed():
    docs = corpus(
        Document(40, "Songbird migration and magnetic navigation", BIRDS, journal_id=1),
        Document(41, "Nitrogen fixation by soil bacteria (corrected)", SOIL, family="w3"),
        Document(42, "Nitrogen fixation by soil bacteria", SOIL + " and pulses", family="w3"),
    )
    found = lists(Engine(docs))
    assert 40 not in [s.other_id for s in found[1]]  # the same text: a duplicate
    assert 42 not in [s.other_id for s in found[41]]  # another version of the same work


def test_staff_scope_and_blocks_are_honoured():
    engine = Engine(corpus(Document(5, "Rice and soil nitrogen", SOIL, journal_id=2)))
    journal_of = {d.id: d.journal_id for d in engine.docs}
    assert {journal_of[s.other_id] for s in lists(engine)[3]} == {1, 2}
    assert {journal_of[s.other_id] for s in lists(engine, same_journal={3})[3]} == {1}
    blocked = lists(engine, excluded={1: {2}})
    assert 2 not in [s.other_id for s in blocked[1]]


def test_embeddings_join_the_blend_and_their_absence_is_not_an_error():
    docs = corpus()
    vectors = np.zeros((len(docs), 4), dtype=np.float32)
    vectors[:, 3] = 1
    vectors[0] = vectors[6] = [1, 0, 0, 0]  # the model says 1 and 12 mean the same
    with_model = lists(Engine(docs, vectors))
    without = lists(Engine(docs, None))
    assert 12 in [s.other_id for s in with_model[1]][:3]
    assert without[1][0].other_id == 2


def test_diversity_spreads_the_list_over_sub_topics():
    """Five near-copies of one sub-topic do not take every place (MMR)."""
    docs = [Document(1, "Songbird navigation", BIRDS + " and nitrogen in soil")]
    docs += [
        Document(2 + i, f"Songbird magnetic study {i}", BIRDS + f" part {i}") for i in range(5)
    ]
    docs += [Document(9, "Soil nitrogen", SOIL + " and songbirds")]
    docs += [Document(20 + i, t.split()[0], t) for i, t in enumerate(FILLER)]
    vectors = np.zeros((len(docs), 3), dtype=np.float32)
    vectors[1:6] = [1, 0, 0]
    vectors[6] = [0, 1, 0]
    vectors[0] = [0.7, 0.7, 0]
    vectors[7:] = [0, 0, 1]
    found = lists(Engine(docs, vectors), keep=3)
    assert 9 in [s.other_id for s in found[1]]


def test_processes_give_the_same_lists_as_one():
    docs = corpus() * 1
    engine = Engine(docs)
    assert dict(engine.recommend(workers=2)) == dict(engine.recommend(workers=1))


def test_plain_text_and_reference_keys():
    assert plain_text("<p>Fish &amp; <i>chips</i></p>") == "Fish & chips"
    assert reference_key(doi="10.1000/ABC") == "doi:10.1000/abc"
    assert reference_key(pmid="123") == "pmid:123"
    assert reference_key(pmid="PMC5") == ""


def test_a_neighbours_own_references_are_no_evidence_for_itself():
    """Propagated coupling counts what a candidate shares with the *other* neighbours."""
    docs = [
        Document(1, "a", references=("pmid:1", "pmid:2", "pmid:3", "pmid:4")),
        Document(2, "b", references=("pmid:1",)),
        Document(3, "c"),
    ]
    graph = CitationGraph.build(docs)
    weights = sp.csr_matrix(np.array([[1.0, 0.5, 0.0]], dtype=np.float32))
    assert graph.propagated_coupling(weights).tolist() == [[0.5, 1.0, 0.0]]
