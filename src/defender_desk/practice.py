"""The practice vault: invented records drawn from ``shared/seed/scenario.md``, so a defender
can try everything without fear, and so screenshots and end-to-end tests show what she would
see. Dates are relative to *today*, so the countdowns stay meaningful.

The practice vault lives beside the real one (``<vault>-practice``), has the passphrase
:data:`PRACTICE_PASSPHRASE` (shown on its unlock screen) and is marked as practice everywhere.
Its evidence files are generated images and a generated letter — never real documents.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defender_desk.secret import Secret

if TYPE_CHECKING:
    from defender_desk.app import Desk

PRACTICE_PASSPHRASE = "practice"  # noqa: S105 - public on purpose: shown on its unlock screen


def ensure_practice_vault(path: Path, today: date | None = None) -> bool:
    """Create and fill the practice vault at ``path`` unless it exists. Returns True if made."""
    from defender_desk.app import Desk

    desk = Desk(path)
    if desk.exists():
        return False
    desk.create(Secret.from_text(PRACTICE_PASSPHRASE))
    try:
        build(desk, today or date.today())
    finally:
        desk.lock()
    return True


def _fonts() -> Path:
    from importlib import resources

    return Path(str(resources.files("defender_desk") / "resources" / "fonts"))


def _png(lines: list[str], size: tuple[int, int], bubbles: bool = False) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, (236, 239, 241) if bubbles else (181, 196, 177))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(_fonts() / "DejaVuSans.ttf"), 22)
    y = 24
    for n, line in enumerate(lines):
        if bubbles:
            x = 24 if n % 2 == 0 else 140
            w = size[0] - 164
            draw.rounded_rectangle((x, y - 8, x + w, y + 40), 14, fill=(255, 255, 255))
            draw.text((x + 14, y), line, font=font, fill=(20, 20, 20))
            y += 64
        else:
            draw.text((24, y), line, font=font, fill=(30, 40, 30))
            y += 34
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _letter_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(_fonts() / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=14)
    pdf.add_page()
    pdf.multi_cell(
        0,
        9,
        "ОБРАЗЕЦ — ПРИДУМАННЫЙ ДОКУМЕНТ ДЛЯ ПРАКТИКИ\n\nПОВЕСТКА\n\n"
        "Гражданка С. вызывается в отдел внутренней политики акимата для беседы.\n"
        "Основание: не указано.\n\nЭто не настоящий документ.",
    )
    return bytes(pdf.output())


def build(desk: Desk, today: date) -> dict[str, Any]:
    """Fill an unlocked ``desk`` with the scenario. Returns the ids made, by name."""
    ids: dict[str, Any] = {}

    def person(key: str, **draft: Any) -> str:
        ids[key] = desk.add_person(draft).id
        return str(ids[key])

    person("husband", name="Ерлан", role="family", relation="husband")
    person(
        "mother",
        name="Гульнар",
        role="family",
        relation="mother",
        notes="Кредит в банке; давили через банк.",
    )
    person("daughter", name="Айгерим", role="family", relation="daughter", notes="Старшая дочь.")
    person(
        "akimat",
        name="Отдел внутренней политики акимата",
        role="actor",
        institution="local_administration",
    )
    person("police", name="РОВД (районный отдел полиции)", role="actor", institution="police")
    person("bank", name="Банк (кредитор матери)", role="actor", institution="bank")
    person("bailiff", name="Частный судебный исполнитель", role="actor", institution="bailiff")
    person("unknown", name="Неизвестный", role="actor", institution="unknown")
    person("lawyer", name="Адвокат Нурлан", role="lawyer")
    people = dict(ids)  # some incidents below reuse these keys ("husband", "mother")

    def incident(key: str, **draft: Any) -> str:
        ids[key] = desk.add_incident(draft).id
        return str(ids[key])

    incident(
        "rally",
        category="120105000000",
        title="Митинг возле банка: участников переписали",
        happened="2016-04",
        targets_self=True,
        actor_ids=[ids["police"]],
        channel="in_person",
        description="Мирная акция заёмщиков у отделения банка. Полиция переписала участников.",
        tags=["митинг", "банк"],
    )
    incident(
        "eviction",
        category="020103000000",
        title="Столкновение при защите жилья заёмщика от выселения",
        happened="2017",
        targets_self=True,
        actor_ids=[ids["bailiff"], ids["police"]],
        channel="in_person",
        severity=3,
        tags=["выселение"],
    )
    incident(
        "conversation",
        category="DD-CONVERSATION",
        title="Беседа в акимате: «не надо заниматься общественной деятельностью, посадят»",
        happened="~2021",
        targets_self=True,
        actor_ids=[ids["akimat"]],
        channel="summons_letter",
        severity=3,
        tags=["акимат", "беседа"],
        description="Приглашали часто, года три-четыре назад. Говорили: прекратите "
        "общественную деятельность, иначе посадят.",
        summons={
            "who_summoned": "отдел внутренней политики акимата",
            "legal_basis": "не указано",
            "status": "none_stated",
            "lawyer_present": False,
        },
    )
    incident(
        "husband",
        category="020103020200",
        title="Мужу: «следи за своей женой, если хочешь видеть её живой»",
        happened="~2021",
        target_ids=[ids["husband"]],
        actor_ids=[ids["unknown"]],
        channel="phone_call",
        severity=5,
        tags=["угроза", "семья"],
    )
    incident(
        "mother",
        category="DD-CREDITOR",
        title="Давление на маму через её кредит в банке",
        happened="~2021",
        target_ids=[ids["mother"]],
        actor_ids=[ids["bank"]],
        channel="via_creditor",
        severity=3,
        tags=["банк", "семья"],
    )
    incident(
        "planted",
        category="DD-FABRICATED",
        title="Дочери подбросили анашу, держали всю ночь в РОВД без звонка",
        happened="2022-03-14T21:30",
        until="2022-03-15T08:00",
        target_ids=[ids["daughter"]],
        actor_ids=[ids["police"]],
        channel="in_person",
        severity=5,
        tags=["дочь", "РОВД"],
        description="Всю ночь искали её с мужем по больницам и РОВД. Утром дали телефон: "
        "«пригласите только своих мам».",
        place="РОВД",
    )
    incident(
        "sms",
        category="DD-SEIZED-PHONE",
        title="Странные СМС с номера дочери, пока она была задержана",
        happened="2022-03-14T23:00",
        target_ids=[ids["daughter"]],
        targets_self=True,
        actor_ids=[ids["police"]],
        channel="sms",
        severity=4,
        tags=["дочь", "смс"],
    )
    desk.add_evidence_bytes(
        ids["sms"],
        "sms-screenshot.png",
        _png(
            [
                "Мама, всё хорошо, не ищи меня",
                "Где ты?? Ответь!",
                "Я у подруги, утром приду",
                "Позвони мне сейчас же",
            ],
            (720, 320),
            bubbles=True,
        ),
    )
    desk.add_evidence_bytes(
        ids["planted"],
        "photo-rovd.png",
        _png(["ПРИМЕР ФОТО (сгенерировано)", "Здание РОВД, 15.03.2022, 06:40"], (640, 400)),
    )
    desk.add_evidence_bytes(ids["conversation"], "letter.pdf", _letter_pdf())
    _escalation(desk, today, ids, people)
    _obligations(desk, today, ids)
    return ids


def _months_ago(today: date, months: int, day: int) -> str:
    """The day ``day`` (at most 28) of the month ``months`` before today's, as ISO."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, min(day, 28)).isoformat()


def _escalation(desk: Desk, today: date, ids: dict[str, Any], people: dict[str, str]) -> None:
    """The last year, dated to the day: the akimat's internal-policy department, then the
    police, more and more severe, moving from her to her husband and daughter; an alias, an
    identifier, a "possibly the same" link and one threat assessment reassessed once. With
    six-month windows ending this month, both actors are "escalating" and their targets are
    "moving towards her family" (docs/analysis.md works it through)."""
    add = desk.add_incident
    akimat, police = people["akimat"], people["police"]
    husband, daughter = people["husband"], people["daughter"]
    ids["akimat_1"] = add(
        {
            "category": "DD-CONVERSATION",
            "title": "Снова пригласили в акимат на беседу: «подумайте о семье»",
            "happened": _months_ago(today, 11, 10),
            "targets_self": True,
            "actor_ids": [akimat],
            "channel": "summons_letter",
            "severity": 2,
            "tags": ["акимат", "беседа"],
            "summons": {
                "who_summoned": "отдел внутренней политики акимата",
                "legal_basis": "не указано",
                "status": "none_stated",
                "lawyer_present": False,
            },
        }
    ).id
    ids["police_1"] = add(
        {
            "category": "020103030000",
            "title": "Участковый дважды проверял документы у подъезда",
            "happened": _months_ago(today, 7, 12),
            "targets_self": True,
            "actor_ids": [police],
            "channel": "in_person",
            "severity": 2,
            "tags": ["РОВД", "слежка"],
        }
    ).id
    ids["akimat_2"] = add(
        {
            "category": "DD-CONVERSATION",
            "title": "Беседа в акимате: пригрозили уголовным делом за «незаконную акцию»",
            "happened": _months_ago(today, 8, 17),
            "targets_self": True,
            "actor_ids": [akimat],
            "channel": "in_person",
            "severity": 3,
            "tags": ["акимат", "беседа"],
        }
    ).id
    ids["akimat_3"] = add(
        {
            "category": "020103010200",
            "title": "Из акимата позвонили мужу на работу: «повлияйте на жену»",
            "happened": _months_ago(today, 5, 5),
            "target_ids": [husband],
            "actor_ids": [akimat],
            "channel": "phone_call",
            "severity": 3,
            "tags": ["акимат", "семья"],
        }
    ).id
    ids["akimat_4"] = add(
        {
            "category": "020103010200",
            "title": "Сотрудник акимата приходил в колледж дочери, говорил с куратором",
            "happened": _months_ago(today, 3, 20),
            "target_ids": [daughter],
            "actor_ids": [akimat],
            "channel": "third_party",
            "severity": 4,
            "tags": ["акимат", "дочь"],
        }
    ).id
    ids["police_2"] = add(
        {
            "category": "020103010200",
            "title": "Участковый пришёл домой и «предупредил» мужа и дочь",
            "happened": _months_ago(today, 2, 8),
            "target_ids": [husband, daughter],
            "actor_ids": [police],
            "channel": "in_person",
            "severity": 4,
            "tags": ["РОВД", "семья"],
        }
    ).id
    ids["police_3"] = add(
        {
            "category": "DD-SUMMONS",
            "title": "Дочь вызвали в РОВД повесткой; намекнули на старое дело о наркотиках",
            "happened": _months_ago(today, 1, 14),
            "target_ids": [daughter],
            "actor_ids": [police],
            "channel": "summons_letter",
            "severity": 5,
            "tags": ["РОВД", "дочь"],
            "summons": {"who_summoned": "РОВД", "status": "witness", "lawyer_present": False},
        }
    ).id
    desk.add_alias(akimat, "ОВП акимата")
    desk.add_identifier(police, "plate", "777 АВС 02")
    desk.add_identifier(people["unknown"], "phone", "+7 (701) 555-12-34")
    ids["unknown_link"] = desk.link_people(
        people["unknown"], police, "possible", "Голос в трубке похож на участкового"
    ).id
    first = desk.add_assessment(
        {
            "actor_id": akimat,
            "source_certainty": "confirmed",
            "nature": "declared",
            "assessed_on": _months_ago(today, 6, 1),
            "facts": "Две беседы в акимате за полгода; на второй пригрозили уголовным делом.",
            "pattern": "Вызывают после каждой акции заёмщиков.",
            "objective": "Прекращение общественной деятельности до конца пробации.",
            "source": "Отдел внутренней политики акимата, тот же сотрудник.",
            "conclusion": "Пока давят словами; дело заведут, только если будет новая акция.",
            "likelihood": 2,
            "impact": 3,
            "measures": "Ходить на беседы только с адвокатом; записывать каждую.",
            "reassess_by": _months_ago(today, 3, 1),
        }
    )
    ids["assessment"] = first.id
    desk.reassess(
        first.id,
        {
            "assessed_on": _months_ago(today, 1, 20),
            "nature": "possible",
            "facts": "Звонили мужу, приходили в колледж дочери; РОВД вызвал дочь повесткой.",
            "pattern": "Полгода давят уже не на меня, а на мужа и дочь; каждый раз сильнее.",
            "conclusion": "Угроза дочери реальна: старое дело о наркотиках могут поднять.",
            "likelihood": 4,
            "impact": 4,
            "measures": "Адвокат для дочери; дочь не ходит в РОВД одна; план на случай задержания.",
            "reassess_by": (today + timedelta(days=10)).isoformat(),
        },
    )


def _obligations(desk: Desk, today: date, ids: dict[str, Any]) -> None:
    """Probation ending 31 days from today; check-ins on the 2nd and 4th Monday at 10:00;
    a two-year ban on public activity from the end of probation."""
    add = getattr(desk, "add_obligation", None)
    if add is None:
        return
    start = today - timedelta(days=335)
    end = today + timedelta(days=31)
    ids["probation"] = add(
        {
            "kind": "probation",
            "title": "Пробационный контроль",
            "start": start.isoformat(),
            "until": end.isoformat(),
            "body": {"name": "Служба пробации района", "address": "", "officer": ""},
            "conditions": [
                "Являться на отметку по графику",
                "Не менять место жительства без уведомления",
            ],
        }
    ).id
    ids["checkin"] = add(
        {
            "kind": "checkin",
            "title": "Отметка в службе пробации",
            "start": datetime.combine(start, datetime.min.time()).replace(hour=10).isoformat(),
            "until": end.isoformat(),
            "rrule": "FREQ=MONTHLY;BYDAY=2MO,4MO",
            "zone": "Asia/Almaty",
            "place": "Служба пробации района",
        }
    ).id
    # attendance: every past check-in logged (one of them moved by the officer), so the
    # overview shows a clean record of compliance, as the scenario says
    from zoneinfo import ZoneInfo

    from defender_desk.obligations import schedule

    checkin = desk.get_obligation(ids["checkin"])
    zone = ZoneInfo("Asia/Almaty")
    past = schedule.occurrences(
        checkin,
        datetime.combine(start, datetime.min.time(), zone),
        datetime.combine(today, datetime.min.time(), zone),
    )
    for n, occ in enumerate(past):
        moved = n == len(past) - 3
        desk.log_checkin(
            ids["checkin"],
            occ.at.date(),
            "moved" if moved else "attended",
            "Инспектор перенёс отметку на следующий день" if moved else "",
        )
    ids["ban"] = add(
        {
            "kind": "restriction",
            "title": "Лишение права заниматься общественной деятельностью",
            "restriction_kind": "public_activity",
            "start": (end + timedelta(days=1)).isoformat(),
            "until": date(end.year + 2, end.month, min(end.day, 28)).isoformat(),
            "forbids": "Организовывать акции, выступать от имени заёмщиков",
        }
    ).id
