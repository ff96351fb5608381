"""Tests of the printed PDFs, and their shared helpers: the real poppler tools and demo data
drawn from ``shared/seed/scenario.md`` (invented names, the events of the interview)."""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from defender_desk.reports.card import CardContact, CardInput, CardPerson, CardPlace
from defender_desk.reports.chronology import (
    ReportAttendance,
    ReportEvidence,
    ReportIncident,
    ReportInput,
    ReportObligation,
    ReportSummons,
    ReportSupervision,
    ReportTimelineEntry,
)

ALMATY = timezone(timedelta(hours=5))
CREATED = datetime(2026, 11, 25, 14, 30, tzinfo=ALMATY)
LANGS = ("en", "ru", "kk")
KAZAKH_LETTERS = "әғқңөұүһі"


def poppler(tool: str, *args: str | Path) -> str:
    """Run a poppler tool; a missing tool fails the test (it is a required peer, not optional)."""
    exe = shutil.which(tool)
    if exe is None:
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils")
    proc = subprocess.run([exe, *map(str, args)], capture_output=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return proc.stdout.decode("utf-8")


def save(pdf: bytes, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def page_count(path: Path) -> int:
    for line in poppler("pdfinfo", path).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


def text_of(path: Path) -> str:
    return poppler("pdftotext", "-enc", "UTF-8", path, "-")


def pages_of(path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    pages = text_of(path).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def words_of(path: Path) -> tuple[tuple[float, float], list[Word]]:
    """Every word with its box in points (from ``pdftotext -bbox``), and the page size."""
    out = poppler("pdftotext", "-bbox", path, "-")
    size = (0.0, 0.0)
    words: list[Word] = []
    page = 0
    for chunk in out.split("<page ")[1:]:
        page += 1
        match = _PAGE.match("<page " + chunk)
        assert match is not None
        size = (float(match[1]), float(match[2]))
        for m in _WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(m[i]) for i in range(1, 5))
            words.append(Word(page, x0, y0, x1, y1, html.unescape(m[5])))
    return size, words


def overlaps(words: list[Word], slack: float = 0.6) -> list[tuple[Word, Word]]:
    """Pairs of words on the same page whose boxes overlap by more than ``slack`` points both
    ways: text drawn over other text."""
    found: list[tuple[Word, Word]] = []
    by_page: dict[int, list[Word]] = {}
    for w in words:
        by_page.setdefault(w.page, []).append(w)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.y0)
        for i, a in enumerate(page_words):
            for b in page_words[i + 1 :]:
                if b.y0 >= a.y1 - slack:
                    break
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                if dx > slack and dy > slack:
                    found.append((a, b))
    return found


def flat(text: str) -> str:
    """Text with every run of whitespace (line breaks included) made one space."""
    return " ".join(text.split())


def sha(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# -- labels of the demo data, per language -----------------------------------------------------

_L: dict[str, dict[str, str]] = {
    "en": {
        "owner": "Saule (herself)",
        "assembly": "Limits on freedom of assembly",
        "harassment": "Harassment",
        "conversation": 'Invitation to a "conversation"',
        "death_threat": "Death threat (family member)",
        "creditor": "Pressure through a creditor or bank",
        "planted": "Planted evidence; incommunicado detention of a relative",
        "seized_phone": "Messages sent from a seized phone",
        "herself": "herself",
        "spouse": "husband (Erlan)",
        "parent": "mother (Gulnar)",
        "child": "daughter (Aigerim)",
        "police": "district police department (ROVD)",
        "akimat": "local administration (akimat)",
        "bank": "bank (mother's creditor)",
        "bailiff": "private bailiff",
        "unknown": "unknown",
        "in_person": "in person",
        "phone": "phone",
        "sms": "SMS",
        "via_creditor": "via a creditor",
        "official_summons": "official summons",
        "high": "high",
        "medium": "medium",
        "approx_2021": "about 2021 (3–4 years ago)",
        "probation": "probation",
        "checkin": "check-in",
        "restriction": "restriction",
        "attended": "attended",
        "moved": "moved",
        "witness": "witness",
        "lawyer": "lawyer",
        "police_kind": "police",
        "ends_in_31": "ends in 31 days",
        "hospital": "hospital",
    },
    "ru": {
        "owner": "Сауле",
        "assembly": "Ограничение свободы собраний",
        "harassment": "Преследование, давление",
        "conversation": "Приглашение на беседу",
        "death_threat": "Угроза убийством (член семьи)",
        "creditor": "Давление через кредитора или банк",
        "planted": "Подброшенные улики; содержание родственника без связи",
        "seized_phone": "Сообщения с изъятого телефона",
        "herself": "она сама",
        "spouse": "муж (Ерлан)",
        "parent": "мать (Гульнар)",
        "child": "дочь (Айгерим)",
        "police": "РОВД",
        "akimat": "акимат, отдел внутренней политики",
        "bank": "банк (кредитор матери)",
        "bailiff": "частный судебный исполнитель",
        "unknown": "неизвестный",
        "in_person": "лично",
        "phone": "телефон",
        "sms": "SMS",
        "via_creditor": "через кредитора",
        "official_summons": "официальный вызов",
        "high": "высокая",
        "medium": "средняя",
        "approx_2021": "около 2021 г. (3–4 года назад)",
        "probation": "пробационный контроль",
        "checkin": "отметка в службе пробации",
        "restriction": "ограничение",
        "attended": "явилась",
        "moved": "перенесена",
        "witness": "свидетель",
        "lawyer": "адвокат",
        "police_kind": "полиция",
        "hospital": "больница",
        "ends_in_31": "заканчивается через 31 день",
    },
    "kk": {
        "owner": "Сәуле",
        "assembly": "Жиналыс бостандығын шектеу",
        "harassment": "Қудалау",
        "conversation": "Әңгімеге шақыру",
        "death_threat": "Өлтіремін деп қорқыту (отбасы мүшесі)",
        "creditor": "Кредитор немесе банк арқылы қысым",
        "planted": "Жасырын салынған айғақ; туысын байланыссыз ұстау",
        "seized_phone": "Тәркіленген телефоннан жіберілген хабарламалар",
        "herself": "өзі",
        "spouse": "күйеуі (Ерлан)",
        "parent": "анасы (Гүлнар)",
        "child": "қызы (Әйгерім)",
        "police": "аудандық полиция бөлімі",
        "akimat": "әкімдік, ішкі саясат бөлімі",
        "bank": "банк (анасының кредиторы)",
        "bailiff": "жеке сот орындаушысы",
        "unknown": "белгісіз",
        "in_person": "жеке өзі",
        "phone": "телефон",
        "sms": "SMS",
        "via_creditor": "кредитор арқылы",
        "official_summons": "ресми шақыру",
        "high": "жоғары",
        "medium": "орташа",
        "approx_2021": "шамамен 2021 ж. (3–4 жыл бұрын)",
        "probation": "пробациялық бақылау",
        "checkin": "пробация қызметінде белгілену",
        "restriction": "шектеу",
        "attended": "келді",
        "moved": "ауыстырылды",
        "witness": "куә",
        "lawyer": "адвокат",
        "police_kind": "полиция",
        "hospital": "аурухана",
        "ends_in_31": "31 күннен кейін аяқталады",
    },
}

# Her own words (she writes in Russian); in the Kazakh demo a few are in Kazakh, as she might.
THREAT_RU = "«Следи за своей женой, если хочешь её видеть живой»"
NIGHT_RU = (
    "Подкинули старшей дочери анашу. Продержали её всю ночь в РОВД, не давали позвонить, "
    "с её номера писали странные смс. Мы с мужем всю ночь искали её по больницам и РОВД, "
    "а наутро дали ей телефон и сказали: «пригласите только своих мам»."
)
NIGHT_KK = (
    "Үлкен қызыма есірткі салып кетті. Оны түні бойы аудандық полиция бөлімінде ұстады, "
    "телефон соғуға рұқсат бермеді, оның нөмірінен біртүрлі хабарламалар жазылды. Күйеуім "
    "екеуміз түні бойы шаһардағы ауруханалар мен полиция бөлімдерін аралап іздедік."
)

PHOTO = ReportEvidence("photo_2022-03-14_2310.jpg", "image/jpeg", 2_516_582, sha("photo"))
SMS = ReportEvidence("sms-thread-screenshot.png", "image/png", 431_007, sha("sms"))
LETTER = ReportEvidence(
    "повестка_акимат_scan.pdf", "application/pdf", 1_048_576 * 3 + 17, sha("letter")
)


def report_input(lang: str) -> ReportInput:
    """The scenario's vault as the integrator would resolve it for a report in ``lang``."""
    L = _L[lang]
    kk = lang == "kk"
    incidents = [
        ReportIncident(
            id="inc-0001",
            when="2016-04" if lang != "ru" else "апрель 2016",
            position=10,
            category=L["assembly"],
            title="Митинг возле банка, участников переписали",
            description="Полиция переписала всех участников митинга у банка.",
            place="Алматы, у головного офиса банка",
            targets=[L["herself"]],
            actors=[L["police"]],
            channel=L["in_person"],
            severity=L["medium"],
            tags=["митинг", "2015–2018"],
        ),
        ReportIncident(
            id="inc-0002",
            when="2017",
            position=20,
            category=L["harassment"],
            title="Столкновение при защите жилья заёмщика от выселения",
            targets=[L["herself"]],
            actors=[L["bailiff"], L["police"]],
            channel=L["in_person"],
            severity=L["medium"],
        ),
        ReportIncident(
            id="inc-0003",
            when=L["approx_2021"],
            position=30,
            category=L["conversation"],
            title="Беседы в акимате: «не надо заниматься общественной деятельностью, посадят»",
            description="Приглашали часто, несколько раз за год.",
            targets=[L["herself"]],
            actors=[L["akimat"]],
            channel=L["official_summons"],
            severity=L["high"],
            summons=ReportSummons(
                summoned_by=L["akimat"],
                legal_basis="",
                status=L["witness"],
                erdr_number="",
                when=L["approx_2021"],
                place="Акимат района",
                lawyer_present=False,
            ),
            evidence=[LETTER],
        ),
        ReportIncident(
            id="inc-0004",
            when=L["approx_2021"],
            position=31,
            category=L["death_threat"],
            title=THREAT_RU,
            targets=[L["spouse"]],
            actors=[L["unknown"]],
            channel=f"{L['in_person']}, {L['phone']}",
            severity=L["high"],
        ),
        ReportIncident(
            id="inc-0005",
            when=L["approx_2021"],
            position=32,
            category=L["creditor"],
            title="Давление на маму через её кредит в банке",
            targets=[L["parent"]],
            actors=[L["bank"]],
            channel=L["via_creditor"],
            severity=L["medium"],
        ),
        ReportIncident(
            id="inc-0006",
            when="2022-03-14 21:30",
            position=40,
            category=L["planted"],
            title="Қызыма есірткі салып, түні бойы ұстады" if kk else "Дочери подкинули анашу",
            description=NIGHT_KK if kk else NIGHT_RU,
            place="Шаһар, аудандық полиция бөлімі" if kk else "РОВД Алмалинского района",
            targets=[L["child"]],
            actors=[L["police"]],
            channel=L["in_person"],
            severity=L["high"],
            tags=["ночь", "телефон"],
            witnesses=[L["spouse"]],
            follow_up=["Адвокату сообщили утром", "Медицинское освидетельствование — нет"],
            timeline=[
                ReportTimelineEntry("21:30", "Айгерим не отвечает на звонки"),
                ReportTimelineEntry(
                    "23:40", "РОВД Алмалинского района: дежурный говорит, что её нет"
                ),
                ReportTimelineEntry("07:10", "Дали ей телефон: «пригласите только своих мам»"),
            ],
            evidence=[PHOTO, SMS],
        ),
        ReportIncident(
            id="inc-0007",
            when="2022-03-14 23:00",
            position=41,
            category=L["seized_phone"],
            title="Странные смс с номера дочери, пока она была задержана",
            targets=[L["child"], L["herself"]],
            actors=[L["police"]],
            channel=L["sms"],
            severity=L["high"],
            evidence=[(SMS.file_name, SMS.media_type, SMS.size, SMS.sha256)],
        ),
    ]
    by_category: dict[str, int] = {}
    by_actor: dict[str, int] = {}
    by_target: dict[str, int] = {}
    for inc in incidents:
        by_category[inc.category] = by_category.get(inc.category, 0) + 1
        for a in inc.actors:
            by_actor[a] = by_actor.get(a, 0) + 1
        for t in inc.targets:
            by_target[t] = by_target.get(t, 0) + 1
    return ReportInput(
        owner_name=L["owner"],
        period_from="2016-01-01",
        period_until="2026-11-25",
        created_at=CREATED,
        language=lang,
        verification_code="4821 0937 5562 1048",
        chain_head=sha("chain-head"),
        export_id="k7q2x9m4t8",
        incidents=incidents,
        obligations=[
            ReportObligation(
                kind=L["probation"],
                title=L["probation"].capitalize(),
                starts="2025-12-25",
                ends="2026-12-26",
                authority="Служба пробации Алмалинского района",
                conditions="Являться на отметки; не менять место жительства без уведомления",
                source_decision="Приговор районного суда",
                status=L["ends_in_31"],
            ),
            ReportObligation(
                kind=L["checkin"],
                title=L["checkin"].capitalize(),
                starts="2025-12-25",
                ends="2026-12-26",
                authority="Служба пробации",
                schedule="2-й и 4-й понедельник, 10:00",
            ),
            ReportObligation(
                kind=L["restriction"],
                title="Лишение права заниматься общественной деятельностью",
                starts="2026-12-26",
                ends="2028-12-26",
                source_decision="Приговор районного суда",
            ),
        ],
        attendance=[
            ReportAttendance("2026-10-12 10:00", L["attended"], "2026-10-12 09:52", L["checkin"]),
            ReportAttendance(
                "2026-10-26 10:00",
                L["moved"],
                "2026-10-27 10:05",
                L["checkin"],
                "Перенесено инспектором по телефону",
            ),
            ReportAttendance("2026-11-09 10:00", L["attended"], "2026-11-09 09:58", L["checkin"]),
        ],
        supervision=[
            ReportSupervision(
                "2026-06-03", "Беседа с инспектором", "Служба пробации", "Нарушений нет"
            ),
        ],
        by_category=by_category,
        by_actor_kind=by_actor,
        by_target=by_target,
    )


def card_input(lang: str, *, places: int | None = None) -> CardInput:
    """The card for the night of the scenario: Aigerim detained; ``places`` limits (or, when
    larger than the demo list, extends) the places to ask."""
    L = _L[lang]
    demo = [
        CardPlace(
            "РОВД Алмалинского района",
            L["police_kind"],
            ("+7 727 000 00 01", "102"),
            "ул. Примерная, 1",
        ),
        CardPlace(
            "РОВД Бостандыкского района" if lang != "kk" else "Бостандық аудандық полиция бөлімі",
            L["police_kind"],
            ("+7 727 000 00 02",),
            "пр. Примерный, 2" if lang != "kk" else "Әуезов көшесі, 2",
        ),
        CardPlace(
            "Городская больница скорой помощи",
            L["hospital"],
            ("+7 727 000 00 03",),
            "ул. Образцовая, 3",
        ),
    ]
    chosen: list[CardPlace]
    if places is None:
        chosen = demo
    elif places <= len(demo):
        chosen = demo[:places]
    else:
        chosen = demo + [
            CardPlace(
                f"Отдел полиции № {n}",
                L["police_kind"],
                (f"+7 727 000 1{n:03d}",),
                f"микрорайон {n}, дом {n}",
            )
            for n in range(4, places + 1)
        ]
    return CardInput(
        language=lang,
        created_at=CREATED,
        person=CardPerson(
            full_name="Айгерим Ерлановна Сейткали" if lang != "kk" else "Әйгерім Ерланқызы",
            date_of_birth="2003-05-17",
            id_number="030517 600 123",
            phone="+7 701 000 00 00",
            details=(
                "Рост 165 см, тёмные волосы до плеч; чёрная куртка, белые кроссовки; "
                "телефон в розовом чехле"
            ),
        ),
        contacts=[
            CardContact("Нурлан Жаксылыков", L["lawyer"], ("+7 701 111 22 33", "+7 727 222 33 44")),
        ],
        places=chosen,
    )
