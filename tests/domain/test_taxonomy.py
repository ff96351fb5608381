from __future__ import annotations

import copy
import json
import re
from importlib import resources
from typing import Any

import pytest

from defender_desk.domain import taxonomy
from defender_desk.domain.taxonomy import (
    InvalidTaxonomy,
    Taxonomy,
    UnknownCategory,
    huridocs_parent,
)
from defender_desk.errors import InvalidInput

REQUIRED = {
    "020103010000": "Threats",
    "020103020000": "Death threats",
    "020103000000": "Harassment",
    "020103030000": "Surveillance",
    "020103040000": "Stalking",
    "020101000000": "Physical assault",
    "030101000000": "Arrest",
    "030102000000": "Detention",
    "350113000000": None,
    "040101000000": None,
    "050106000000": None,
    "100104000000": None,
    "120105000000": None,
    "130104000000": "Extortion",
    "130107000000": "Confiscation",
    "140101000000": "Defamation",
    "020103010200": None,
    "020103020200": None,
    "360103000000": None,
}
LOCAL = [
    "DD-CONVERSATION",
    "DD-SUMMONS",
    "DD-FABRICATED",
    "DD-CREDITOR",
    "DD-INCOMMUNICADO",
    "DD-SEIZED-PHONE",
    "DD-PROBATION",
    "DD-SMEAR",
    "DD-BLACKMAIL",
]


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return taxonomy.load()


def test_load_is_cached(tax: Taxonomy) -> None:
    assert taxonomy.load() is tax


@pytest.mark.parametrize("code", [*REQUIRED, *LOCAL])
def test_required_codes_present_with_three_labels(tax: Taxonomy, code: str) -> None:
    cat = tax.get(code)
    assert cat.code == code
    for lang in ("en", "ru", "kk"):
        assert cat.label(lang).strip()
    if REQUIRED.get(code):
        assert cat.label("en") == REQUIRED[code]


def test_every_huridocs_code_has_its_derived_ancestors(tax: Taxonomy) -> None:
    for entry in tax.walk():
        code = entry.category.code
        if code.startswith("DD-"):
            assert entry.category.parent is not None
            continue
        assert re.fullmatch(r"\d{12}", code)
        assert entry.category.parent == huridocs_parent(code)
    path = [c.code for c in tax.ancestors("020103010200")]
    assert path == ["020000000000", "020100000000", "020103000000", "020103010000"]
    assert [c.code for c in tax.ancestors("360103000000")] == ["360000000000", "360100000000"]
    assert tax.get("030000000000").parent is None


def test_huridocs_parent_rule() -> None:
    assert huridocs_parent("020103010200") == "020103010000"
    assert huridocs_parent("020000000000") is None
    with pytest.raises(ValueError):
        huridocs_parent("020003000000")
    with pytest.raises(ValueError):
        huridocs_parent("000000000000")


def test_labels_follow_the_glossary(tax: Taxonomy) -> None:
    assert tax.label("020103030000", "ru") == "Слежка"
    assert tax.label("020103030000", "kk") == "Аңду"
    assert tax.label("030101000000", "ru") == "Задержание"
    assert tax.label("030102000000", "ru") == "Содержание под стражей"
    assert tax.label("020103020000", "ru") == "Угрозы убийством"
    assert tax.label("020103000000", "kk") == "Қудалау"
    assert tax.label("DD-CONVERSATION", "ru").startswith("Приглашение на беседу")
    assert tax.label("130104000000", "kk") == "Қорқытып алушылық"
    assert "повестка" in tax.label("DD-SUMMONS", "ru").casefold()
    assert "шақыру қағазы" in tax.label("DD-SUMMONS", "kk").casefold()
    for entry in tax.walk():
        ru = entry.category.label("ru").casefold()
        assert "надзор" not in ru
        assert "оскорбл" not in ru
        assert "арест" not in ru
        assert "уничтож" not in ru


def test_unknown_code_raises_without_echoing_much(tax: Taxonomy) -> None:
    with pytest.raises(UnknownCategory) as info:
        tax.get("999999999999")
    assert info.value.fields == {"code": "999999999999"}
    assert isinstance(info.value, InvalidInput)
    assert "999999999999" not in str(info.value)
    with pytest.raises(UnknownCategory) as info:
        taxonomy.get("x" * 500)
    assert len(info.value.fields["code"]) <= 40


def test_lookup_normalises_case_and_blanks(tax: Taxonomy) -> None:
    assert tax.get(" dd-summons ").code == "DD-SUMMONS"
    assert "dd-smear" in tax
    assert "DD-NOPE" not in tax


def test_summons_kinds(tax: Taxonomy) -> None:
    assert set(tax.summons_codes()) == {"DD-CONVERSATION", "DD-SUMMONS"}
    assert taxonomy.is_summons("dd-conversation")
    assert not tax.is_summons("020103010000")
    assert not tax.is_summons("DD-JUDICIAL")


def test_descendants_include_self_and_also_listed(tax: Taxonomy) -> None:
    assert tax.descendants("020103010200") == ("020103010200",)
    detention = tax.descendants("030102000000")
    assert detention[0] == "030102000000"
    assert "DD-INCOMMUNICADO" in detention
    assert "DD-INCOMMUNICADO" in tax.descendants("360103000000")
    everything = tax.descendants("020000000000")
    assert {"020103010000", "020103020200", "DD-SUMMONS", "DD-BLACKMAIL"} <= set(everything)
    assert len(everything) == len(set(everything))
    assert "030101000000" not in everything
    assert "DD-BLACKMAIL" in tax.descendants("130100000000")


def test_children_in_file_order(tax: Taxonomy) -> None:
    kids = [c.code for c in tax.children("020103000000")]
    assert kids[:4] == ["020103010000", "020103020000", "020103030000", "020103040000"]
    assert "DD-CONVERSATION" in kids
    assert [c.code for c in taxonomy.children("030102000000")] == ["DD-INCOMMUNICADO"]


def test_walk_places_each_node_once_as_primary(tax: Taxonomy) -> None:
    entries = list(taxonomy.walk())
    primary = [e.category.code for e in entries if e.primary]
    assert sorted(primary) == sorted(set(primary))
    assert len(primary) == len(tax)
    extra = {e.category.code for e in entries if not e.primary}
    assert extra == {"DD-INCOMMUNICADO", "DD-BLACKMAIL"}
    for e in entries:
        if e.primary:
            assert e.depth == len(tax.ancestors(e.category.code))


def test_search_any_language_case_insensitive(tax: Taxonomy) -> None:
    assert [c.code for c in tax.search("слежка", "ru")] == ["020103030000"]
    assert [c.code for c in taxonomy.search("СЛЕЖКА", "en")] == ["020103030000"]
    kk = [c.code for c in tax.search("ҚОРҚЫТУ", "kk")]
    assert kk[0] == "020103010000" and "020103020200" in kk
    assert "020103030000" in [c.code for c in tax.search("surveil", "kk")]
    assert "360000000000" in [c.code for c in tax.search("лишённых", "ru")]
    assert [c.code for c in tax.search("0201030102", "en")] == ["020103010200"]
    assert tax.search("no such thing at all", "en") == []
    assert len(tax.search("  ", "en")) == len(tax)


def test_search_puts_matches_in_the_asked_language_first() -> None:
    def cat(code: str, en: str, ru: str, kk: str, **extra: Any) -> dict[str, Any]:
        return {"code": code, "labels": {"en": en, "ru": ru, "kk": kk}, **extra}

    tax = Taxonomy.from_data(
        {
            "format": 1,
            "categories": [
                cat("020000000000", "Root", "Корень", "Тамыр"),
                cat("DD-A", "Alpha", "Зет", "Альфа", parent="020000000000"),
                cat("DD-B", "Zed", "Альфа-бета", "Бета", parent="020000000000"),
            ],
        }
    )
    assert [c.code for c in tax.search("альфа", "ru")] == ["DD-B", "DD-A"]
    assert [c.code for c in tax.search("альфа", "kk")] == ["DD-A", "DD-B"]
    assert [c.code for c in tax.search("АЛЬФА", "en")] == ["DD-A", "DD-B"]


def codes(text: str, lang: str) -> list[str]:
    return [c.code for c in taxonomy.search(text, lang)]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # the words of issue 17: the placeholder's own example, and what she typed
        ("угроза", "ru", "020103010000"),
        ("threat", "en", "020103010000"),
        ("қорқыту", "kk", "020103010000"),
        ("коллектор", "ru", "DD-CREDITOR"),
        ("collector", "en", "DD-CREDITOR"),
        ("коллектор", "kk", "DD-CREDITOR"),
        ("подбросили", "ru", "DD-FABRICATED"),
        ("planted", "en", "DD-FABRICATED"),
        ("есірткі", "kk", "DD-FABRICATED"),
        ("беседа", "ru", "DD-CONVERSATION"),
    ],
)
def test_search_finds_word_forms_and_synonyms(text: str, lang: str, expected: str) -> None:
    assert codes(text, lang)[0] == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("вызов", "ru"),
        ("беседа", "ru"),
        ("акимат", "ru"),
        ("вызвали в акимат", "ru"),
        ("summons", "en"),
        ("akimat", "en"),
        ("әкімдік", "kk"),
        ("акимдик", "kk"),  # Kazakh typed on a Russian layout
        ("әңгіме", "kk"),
    ],
)
def test_a_summons_is_found_by_what_she_calls_it(text: str, lang: str) -> None:
    found = codes(text, lang)
    assert "DD-SUMMONS" in found
    assert all(taxonomy.is_summons(code) for code in found)


def test_synonyms_are_in_every_language_where_given() -> None:
    for cat in taxonomy.load()._by_code.values():
        if cat.synonyms:
            assert set(cat.synonyms) == set(taxonomy.LANGS), cat.code


# -- validation of the data file --------------------------------------------------------------


def shipped() -> dict[str, Any]:
    raw = (resources.files("defender_desk") / "resources" / "taxonomy.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def small() -> dict[str, Any]:
    def cat(code: str, **extra: Any) -> dict[str, Any]:
        return {"code": code, "labels": {"en": code, "ru": "ru" + code, "kk": "kk" + code}, **extra}

    return {
        "format": 1,
        "categories": [
            cat("020000000000"),
            cat("020100000000"),
            cat("030000000000"),
            cat("DD-A", parent="020100000000"),
            cat("DD-B", parent="DD-A", also_under=["030000000000"]),
        ],
    }


def test_small_data_is_valid() -> None:
    tax = Taxonomy.from_data(small())
    assert tax.descendants("030000000000") == ("030000000000", "DD-B")
    assert Taxonomy.from_data(shipped()).descendants("DD-JUDICIAL")


def _break(fn: Any) -> dict[str, Any]:
    data = copy.deepcopy(small())
    fn(data["categories"])
    return data


def _add(cs: list[dict[str, Any]], code: str) -> None:
    cs.append({"code": code, "labels": {"en": code, "ru": "р" + code, "kk": "қ" + code}})


BROKEN: dict[str, tuple[Any, str]] = {
    "duplicate code": (lambda cs: cs.append(copy.deepcopy(cs[0])), "duplicate code"),
    "missing parent": (lambda cs: cs[3].update(parent="DD-NOWHERE"), "parent does not exist"),
    "missing derived parent": (lambda cs: _add(cs, "050100000000"), "parent does not exist"),
    "missing also_under": (
        lambda cs: cs[4].update(also_under=["050000000000"]),
        "parent does not exist",
    ),
    "cycle": (lambda cs: cs[3].update(also_under=["DD-B"]), "the tree has a cycle"),
    "self cycle": (lambda cs: cs[4].update(parent="DD-B", also_under=[]), "the tree has a cycle"),
    "label missing": (
        lambda cs: cs[0]["labels"].pop("kk"),
        "labels must be exactly en, ru and kk",
    ),
    "label extra language": (
        lambda cs: cs[0]["labels"].update(fr="x"),
        "labels must be exactly en, ru and kk",
    ),
    "label blank": (lambda cs: cs[0]["labels"].update(ru="  "), "empty label"),
    "label duplicated": (
        lambda cs: cs[1]["labels"].update(en="020000000000"),
        "two categories have the same label",
    ),
    "malformed huridocs": (lambda cs: _add(cs, "020003000000"), "malformed HURIDOCS code"),
    "malformed local": (lambda cs: cs[3].update(code="XX-A"), "malformed code"),
    "lower-case local": (lambda cs: cs[3].update(code="dd-a"), "malformed code"),
    "parent contradicts digits": (
        lambda cs: cs[1].update(parent="030000000000"),
        "parent does not match the code",
    ),
    "local without parent": (lambda cs: cs[3].pop("parent"), "local term without a parent"),
    "unknown key": (lambda cs: cs[0].update(colour="red"), "entry has an unknown key"),
    "summons not bool": (lambda cs: cs[3].update(summons="yes"), "summons must be true or false"),
    "not an object": (lambda cs: cs.append("020000000000"), "entry is not an object"),
    "synonyms not per language": (
        lambda cs: cs[0].update(synonyms=["x"]),
        "synonyms must be lists per language (en, ru, kk)",
    ),
    "synonyms of an unknown language": (
        lambda cs: cs[0].update(synonyms={"fr": ["x"]}),
        "synonyms must be lists per language (en, ru, kk)",
    ),
    "synonym blank": (
        lambda cs: cs[0].update(synonyms={"ru": [" "]}),
        "synonyms must be lists per language (en, ru, kk)",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_data_is_refused(name: str) -> None:
    mutate, reason = BROKEN[name]
    with pytest.raises(InvalidTaxonomy) as info:
        Taxonomy.from_data(_break(mutate))
    assert info.value.fields["reason"] == reason


@pytest.mark.parametrize("data", [None, [], {"format": 2, "categories": []}, {"format": 1}])
def test_bad_top_level_is_refused(data: Any) -> None:
    with pytest.raises(InvalidTaxonomy):
        Taxonomy.from_data(data)
