"""Search that finds what she means (issue 17) and the overview's counts (issue 15), through the
facade on a real vault."""

from __future__ import annotations

import pytest

from defender_desk.domain.dates import FuzzyDate
from defender_desk.domain.overview import NO_ACTOR, PERSON, MonthCount, UncertainCount
from defender_desk.vault import records
from defender_desk.vault.records import IncidentFilter


def incident(**kw):
    base = {"category": "020103010000", "title": "Угроза", "happened": "2021"}
    return {**base, **kw}


def ids(desk, query, **kw):
    return {i.id for i in desk.list_incidents(IncidentFilter(query=query), **kw)}


def test_word_forms_yo_and_kazakh_letters(desk):
    daughter = desk.add_incident(incident(title="Вызвали дочери в РОВД"))
    borrower = desk.add_incident(incident(title="Коллектор", description="Заёмщик не платит"))
    kazakh = desk.add_incident(incident(title="Қызым мектепте", description="Әкімдікке шақырды"))
    desk.add_incident(incident(title="Ничего общего"))
    assert ids(desk, "дочь") == {daughter.id}
    assert ids(desk, "заемщик") == ids(desk, "ЗАЁМЩИК") == {borrower.id}
    assert ids(desk, "кызым") == ids(desk, "қызым") == {kazakh.id}
    assert ids(desk, "акимдик") == {kazakh.id}
    assert ids(desk, "к") == {borrower.id, kazakh.id}  # one letter: a real plan (prefix index)
    assert ids(desk, "дочь коллектор") == set()  # every word must match
    assert ids(desk, "…") == set()  # no words: nothing


def test_words_of_people_tags_files_and_summons_are_searched(desk, tmp_path):
    aunt = desk.add_person({"name": "Гүлжан Әбенова", "role": "family", "relation": "other"})
    i = desk.add_incident(
        incident(
            category="DD-SUMMONS",
            title="Повестка",
            target_ids=[aunt.id],
            tags=["пробация"],
            summons={"who_summoned": "следователь Қасымов", "erdr_number": "215500031000123"},
        )
    )
    f = tmp_path / "повестка-фото.jpg"
    f.write_bytes(b"\xff\xd8 fake")
    desk.add_evidence(i.id, f)
    for q in ("гулжан", "абенова", "пробации", "касымова", "2155000", "фото", "jpg"):
        assert ids(desk, q) == {i.id}, q
    desk.edit_person(aunt.id, {"name": "Гүлжан Сейітқызы"})  # the index follows the person
    assert ids(desk, "сейиткызы") == {i.id}
    assert ids(desk, "абенова") == set()


def test_many_matches_take_the_date_index_and_agree_with_the_plain_plan(desk, monkeypatch):
    made = [
        desk.add_incident(incident(title=f"Коллектор звонил {n}", happened=f"2020-{n:02d}"))
        for n in range(1, 13)
    ]
    desk.add_incident(incident(title="Другое", happened="2020-06-15"))
    flt = IncidentFilter(query="коллекторы")
    plain = [i.id for i in desk.list_incidents(flt, limit=5, offset=2, newest_first=True)]
    monkeypatch.setattr(records, "DENSE_MATCHES", 3)  # from 4 matches on: the dense plan
    dense = [i.id for i in desk.list_incidents(flt, limit=5, offset=2, newest_first=True)]
    assert dense == plain == [m.id for m in reversed(made)][2:7]
    oldest = [i.id for i in desk.list_incidents(flt, limit=3)]
    assert oldest == [m.id for m in made[:3]]


def test_the_first_page_never_waits_for_a_full_count(desk):
    for n in range(7):
        desk.add_incident(incident(title=f"Угроза {n}"))
    page = desk.search_incidents(IncidentFilter(query="угрозы"), limit=2, count_cap=5)
    assert len(page.incidents) == 2
    assert (page.count, page.exact) == (5, False)  # shown as "5+"
    assert desk.count_incidents(IncidentFilter(query="угрозы"), cap=5) == 6
    assert desk.count_incidents(IncidentFilter(query="угрозы")) == 7
    page = desk.search_incidents(IncidentFilter(query="угрозы"), count_cap=100)
    assert (page.count, page.exact, len(page.incidents)) == (7, True, 7)


def test_people_search(desk):
    a = desk.add_person({"name": "Қайрат Әлиев", "role": "actor", "institution": "police"})
    b = desk.add_person({"name": "Ерлан", "role": "family", "relation": "spouse",
                         "notes": "работает в акимате"})  # fmt: skip
    assert [p.id for p in desk.search_people("каират")] == [a.id]
    assert [p.id for p in desk.search_people("алиева")] == [a.id]
    assert [p.id for p in desk.search_people("акимат")] == [b.id]
    assert len(desk.search_people("  ")) == 2
    assert desk.search_people("!!") == []


def test_category_search_through_the_facade():
    from defender_desk.app import Desk

    assert [c.code for c in Desk.search_categories("подбросили", "ru")] == ["DD-FABRICATED"]


def test_overview_counts_in_sql(desk):
    police = desk.add_person({"name": "РОВД", "role": "actor", "institution": "police"})
    neighbour = desk.add_person({"name": "Сосед", "role": "actor"})
    bank = desk.add_person({"name": "Банк", "role": "actor", "institution": "bank"})
    desk.add_incident(incident(happened="2022-03-14T21:30", actor_ids=[neighbour.id, police.id]))
    desk.add_incident(incident(happened="2022-03", actor_ids=[neighbour.id]))
    desk.add_incident(incident(happened="2022-03-31", until="2022-05-02"))
    desk.add_incident(incident(happened="2022-05-01", actor_ids=[bank.id]))
    desk.add_incident(incident(happened="2021"))
    desk.add_incident(incident(happened="~2019"))
    desk.add_incident(incident(happened="~2019"))
    desk.add_incident(incident(happened="~2019-2020", actor_ids=[police.id]))
    assert desk.incident_month_counts() == [
        MonthCount(2022, 3, None, 3),  # an end date does not spread it over later months
        MonthCount(2022, 5, None, 1),
    ]
    assert desk.actor_month_counts() == [
        MonthCount(2022, 3, NO_ACTOR, 1),
        MonthCount(2022, 3, PERSON, 1),
        MonthCount(2022, 3, "police", 1),  # the first actor listed who has an institution
        MonthCount(2022, 5, "bank", 1),
    ]
    # known only to the year or approximately: in no month, counted apart per stated date
    assert desk.uncertain_date_counts() == [
        UncertainCount(FuzzyDate.about(2019), 2),
        UncertainCount(FuzzyDate.about(2019, 2020), 1),
        UncertainCount(FuzzyDate.in_year(2021), 1),
    ]
    assert desk.actor_incident_counts() == {police.id: 2, neighbour.id: 2, bank.id: 1}
    assert [i.happened for i in desk.recent_incidents(2)] == [
        FuzzyDate.on_day(2022, 5, 1),
        FuzzyDate.on_day(2022, 3, 31),
    ]
    # a person's institution changes: the chart follows
    desk.edit_person(neighbour.id, {"institution": "employer"})
    assert MonthCount(2022, 3, "employer", 2) in desk.actor_month_counts()


@pytest.mark.parametrize("key", ["full-disk-encryption", "no-hibernation", "shut-down"])
def test_security_tips_are_data_for_the_fronts(key):
    from defender_desk.app import Desk

    tips = {t.key: t for t in Desk.security_tips()}
    assert tips[key].title and tips[key].text
    assert "BitLocker" in tips["full-disk-encryption"].text


def test_reindex_makes_derived_data_again(desk):
    """What a restore relies on: reindex (one or all) rebuilds search words and actor kinds."""
    police = desk.add_person({"name": "РОВД", "role": "actor", "institution": "police"})
    i = desk.add_incident(incident(title="Коллектор", happened="2022-03", actor_ids=[police.id]))
    conn = desk._open().conn
    conn.execute("UPDATE incidents SET actor_kind = 'none'")
    conn.execute("DELETE FROM incident_search")
    assert ids(desk, "коллектор") == set()
    desk.records.reindex(i.id)
    assert ids(desk, "коллектор") == {i.id}
    assert desk.actor_month_counts() == [MonthCount(2022, 3, "police", 1)]
    conn.execute("UPDATE incidents SET actor_kind = 'none'")
    conn.execute("DELETE FROM incident_search")
    assert desk.records.reindex_all() == 1
    assert ids(desk, "ровд") == {i.id}
    assert desk.actor_month_counts() == [MonthCount(2022, 3, "police", 1)]


def test_every_plan_gives_the_same_pages(desk, monkeypatch):
    """Pages and capped counts agree whichever plan is taken (walking the date index, or
    reading and sorting the matches), with filters on the walked index's columns."""
    from defender_desk.domain.dates import parse_when

    police = desk.add_person({"name": "РОВД", "role": "actor", "institution": "police"})
    for n in range(16):
        desk.add_incident(
            incident(
                title=f"Коллектор {'звонил' if n % 2 else 'угрожал'} {n}",
                happened=f"20{18 + n % 4}-{1 + n % 12:02d}",
                category="DD-CREDITOR" if n % 3 else "020103010000",
                severity=1 + n % 5,
                channel="sms" if n % 4 else "phone_call",
                actor_ids=[police.id] if n % 5 == 0 else [],
            )
        )
    filters = [
        IncidentFilter(query="коллектор"),
        IncidentFilter(query="коллектор", categories=["DD-CREDITOR"]),
        IncidentFilter(
            query="коллектор", date_from=parse_when("2019"), date_until=parse_when("2020")
        ),
        IncidentFilter(query="коллектор звонил", severity_min=3, channel="sms"),
        IncidentFilter(query="коллектор", actor=police.id),
        IncidentFilter(categories=["DD-CREDITOR"], severity_min=2),
        IncidentFilter(date_from=parse_when("2021-01")),
    ]

    def pages():
        return [
            (
                [i.id for i in desk.list_incidents(f, limit=4, offset=1, newest_first=True)],
                [i.id for i in desk.list_incidents(f, limit=3)],
                desk.count_incidents(f, cap=5),
                desk.count_incidents(f),
            )
            for f in filters
        ]

    sorted_plan = pages()
    monkeypatch.setattr(records, "DENSE_MATCHES", 2)
    walked = pages()
    assert walked == sorted_plan
    # and both are what a plain filter over every incident gives
    everything = desk.list_incidents(newest_first=True)
    credit = [i.id for i in everything if i.category == "DD-CREDITOR" and (i.severity or 0) >= 2]
    assert walked[5][0] == credit[1:5] and walked[5][3] == len(credit)
