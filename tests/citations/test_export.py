import json
import re

import pytest

from masthead.citations.export import (
    FORMATS,
    CitedWork,
    UnknownFormatError,
    export,
    tex_escape,
    to_csl_item,
)
from tests.citations.works import TITLE, seed

HOSTILE = dict(
    title="Line one\nER  - injected\r\n%0 Book\n@misc{x, <script>alert(1)</script> {open",
    authors=[("Smith\nTY  - BOOK", "Ann}"), ("World Health Organization", "")],
    abstract="Para 1.\n\nER  - \nPara 2 with 100% & $x$ #1 a_b \\cmd ~ ^",
    keywords=["one\ntwo", "  "],
)


def test_formats_registry():
    assert {name: (f.media_type, f.extension) for name, f in FORMATS.items()} == {
        "ris": ("application/x-research-info-systems", "ris"),
        "bibtex": ("application/x-bibtex", "bib"),
        "endnote": ("application/x-endnote-refer", "enw"),
        "csl-json": ("application/vnd.citationstyles.csl+json", "json"),
    }
    for bad in ("pdf", "", None):
        with pytest.raises(KeyError):
            export(seed(), bad)
        with pytest.raises(ValueError):
            export(seed(), bad)
    assert isinstance(UnknownFormatError("x"), KeyError)


def test_key_is_ascii_folded_family_and_year():
    assert seed().key == "Ticalau2023"
    assert seed(authors=[("Łódź-Ørsted", "")], published=None).key == "LodzOrsted"
    assert CitedWork(title="Über alles", authors=[]).key == "Uber"
    assert seed(key="custom:1").key == "custom:1"


def test_ris_seed():
    text = export(seed(), "ris")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[0] == "TY  - JOUR"
    assert lines[-2:] == ["ER  - ", ""]
    for line in [
        f"TI  - {TITLE}",
        "AU  - Țicălău, Robert Gabriel",
        "PY  - 2023",
        "DA  - 2023/10/05",
        "T2  - Demo Journal of Politics",
        "JO  - Demo Journal of Politics",
        "J2  - Demo J. Polit.",
        "VL  - 35",
        "IS  - 4",
        "SP  - 703",
        "EP  - 717",
        "SN  - 1234-5678",
        "DO  - 10.5555/demo.2023.0001",
        "UR  - https://demo.example/articles/1",
        "AB  - This article examines Belarus.",
        "KW  - Russia",
        "KW  - Belarus",
    ]:
        assert line in lines
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])


def test_ris_hostile_values_cannot_end_the_record():
    lines = export(seed(**HOSTILE), "ris").split("\r\n")
    assert [line for line in lines if line.startswith("ER  -")] == ["ER  - "]
    assert [line for line in lines if line.startswith("TY  -")] == ["TY  - JOUR"]
    assert lines[-2] == "ER  - "
    assert "TI  - Line one ER - injected %0 Book @misc{x, <script>" in "\n".join(lines)
    assert "AU  - Smith TY - BOOK, Ann}" in lines
    assert "AU  - World Health Organization" in lines
    assert [line for line in lines if line.startswith("KW")] == ["KW  - one two"]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])


def test_bibtex_seed():
    text = export(seed(), "bibtex")
    lines = text.splitlines()
    assert lines[0] == "@article{Ticalau2023,"
    assert lines[-1] == "}"
    for line in [
        f"  title = {{{{{TITLE}}}}},",
        "  author = {Țicălău, Robert Gabriel},",
        "  journal = {Demo Journal of Politics},",
        "  year = {2023},",
        "  month = oct,",
        "  volume = {35},",
        "  number = {4},",
        "  pages = {703--717},",
        "  issn = {1234-5678},",
        "  doi = {10.5555/demo.2023.0001},",
        "  url = {https://demo.example/articles/1},",
        "  keywords = {Russia, Belarus}",
    ]:
        assert line in lines
    two = seed(authors=[("Țicălău", "Robert Gabriel"), ("Doe", "J.")], published=None)
    assert "  author = {Țicălău, Robert Gabriel and Doe, J.}," in export(two, "bibtex")
    assert "month" not in export(two, "bibtex")


def _braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_escapes_specials_and_keeps_braces_balanced():
    assert tex_escape("{a} 5% & $ # _") == (r"\textbraceleft{}a\textbraceright{} 5\% \& \$ \# \_")
    hostile = seed(**HOSTILE, doi="10.1/a_b{c}", url="https://x.example/a b?q=1&r=}%20")
    text = export(hostile, "bibtex")
    assert _braces_balanced(text)
    assert text.count("\n@") == 0 and text.startswith("@article{SmithTYBOOK2023,")
    assert r"\textbraceleft{}open}}," in text
    assert (
        r"100\% \& \$x\$ \#1 a\_b \textbackslash{}cmd \textasciitilde{} \textasciicircum{}" in text
    )
    assert (
        "  author = {Smith TY - BOOK, Ann\\textbraceright{} and {World Health Organization}},"
        in text
    )
    assert "  doi = {10.1/a_b%7Bc%7D}," in text  # verbatim field: no TeX escapes
    assert "  url = {https://x.example/a%20b?q=1&r=%7D%20}," in text
    body = text.splitlines()[1:-1]
    assert all(re.fullmatch(r"  [a-z]+ = .*,?", line) for line in body)


def test_bibtex_name_with_and_or_comma_is_protected():
    work = seed(authors=[("Smith and Wesson", "Jo"), ("Ng", "Li, Jr.")])
    assert "  author = {{Smith and Wesson}, Jo and Ng, {Li, Jr.}}," in export(work, "bibtex")
    assert export(seed(key="a b{}"), "bibtex").startswith("@article{ab,")


def test_endnote_seed():
    lines = export(seed(), "endnote").split("\n")
    assert lines[0] == "%0 Journal Article"
    assert lines[-1] == ""
    for line in [
        f"%T {TITLE}",
        "%A Țicălău, Robert Gabriel",
        "%J Demo Journal of Politics",
        "%V 35",
        "%N 4",
        "%P 703-717",
        "%D 2023",
        "%R 10.5555/demo.2023.0001",
        "%U https://demo.example/articles/1",
        "%X This article examines Belarus.",
        "%K Russia",
        "%K Belarus",
        "%@ 1234-5678",
        "%9 Research Article",
    ]:
        assert line in lines


def test_endnote_hostile_values_stay_on_their_line():
    lines = export(seed(**HOSTILE), "endnote").rstrip("\n").split("\n")
    assert all(re.fullmatch(r"%[0-9A-Z@]\s.+", line) for line in lines)
    assert [line for line in lines if line.startswith("%0")] == ["%0 Journal Article"]
    assert "%A World Health Organization" in lines


def test_endnote_elocation_when_no_pages():
    work = seed(first_page="", last_page="", elocation_id="e1234")
    assert "%P e1234" in export(work, "endnote").split("\n")


def test_csl_item_and_json():
    item = to_csl_item(seed())
    assert item["id"] == "Ticalau2023"
    assert item["type"] == "article-journal"
    assert item["title"] == TITLE
    assert item["author"] == [{"family": "Țicălău", "given": "Robert Gabriel"}]
    assert item["container-title"] == "Demo Journal of Politics"
    assert item["issued"] == {"date-parts": [[2023, 10, 5]]}
    assert item["page"] == "703-717"
    assert item["DOI"] == "10.5555/demo.2023.0001"
    assert (item["volume"], item["issue"], item["ISSN"]) == ("35", "4", "1234-5678")
    text = export(seed(), "csl-json")
    assert "Țicălău" in text  # UTF-8, not \u escapes
    assert json.loads(text) == [item]
    single = to_csl_item(seed(last_page="", elocation_id="e9", published=None))
    assert single["page"] == "703" and "number" not in single and "issued" not in single
    assert to_csl_item(seed(first_page="", last_page="", elocation_id="e9"))["number"] == "e9"


def test_csl_json_hostile_round_trips():
    data = json.loads(export(seed(**HOSTILE), "csl-json"))[0]
    assert data["title"].startswith("Line one ER - injected %0 Book")
    assert data["author"][1] == {"family": "World Health Organization"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_non_ascii_names_survive(fmt):
    work = seed(authors=[("Țicălău", "Robert Gabriel"), ("Müller-Łęcka", "Zoë")])
    text = export(work, fmt)
    for part in ("Țicălău", "Robert Gabriel", "Müller-Łęcka", "Zoë"):
        assert part in text
