"""The export's ``report.pdf``: a printable chronology for a lawyer or a court (issue 5.3).

The input is plain frozen dataclasses, already resolved to display text (dates rendered with
their precision, category and actor labels in the report's language) — this module never reads
the database. The fixed texts (headings, column names) are in an explicit per-language table
below; the gettext catalogs are not used here so that the report's language does not depend on
the interface's.

:func:`render_chronology` returns the PDF as bytes and writes nothing: the caller streams them
into the encrypted export.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from babel.dates import format_date
from babel.numbers import format_decimal

from defender_desk.errors import N_, InvalidInput
from defender_desk.reports.pdf import (
    BLACK,
    GREY_TEXT,
    RULE_GREY,
    Column,
    ReportPDF,
    render,
)

__all__ = [
    "LANGUAGES",
    "ReportAttendance",
    "ReportEvidence",
    "ReportIncident",
    "ReportInput",
    "ReportObligation",
    "ReportSummons",
    "ReportSupervision",
    "ReportTimelineEntry",
    "render_chronology",
]

LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")


# -- input ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportEvidence:
    """One evidence file: original name, media type, size in bytes, SHA-256 (hex) of its bytes."""

    file_name: str
    media_type: str
    size: int
    sha256: str


EvidenceLike = ReportEvidence | tuple[str, str, int, str]


@dataclass(frozen=True, slots=True)
class ReportSummons:
    """Details of a summons or an invitation to a "conversation" ("" = not stated)."""

    summoned_by: str = ""
    legal_basis: str = ""
    status: str = ""  # her procedural status, as a label: witness, suspect, none stated
    erdr_number: str = ""  # pre-trial investigation number (ЕРДР)
    when: str = ""
    place: str = ""
    lawyer_present: bool | None = None


@dataclass(frozen=True, slots=True)
class ReportTimelineEntry:
    """One line of a timeline (e.g. the log of the night of an emergency)."""

    when: str
    text: str


@dataclass(frozen=True, slots=True)
class ReportIncident:
    """An incident, resolved to display text. ``position`` orders the chronology (ascending,
    ties keep the given order); ``when`` is already rendered with its precision."""

    id: str
    when: str
    position: int
    category: str
    title: str
    description: str = ""
    place: str = ""
    targets: Sequence[str] = ()
    actors: Sequence[str] = ()
    channel: str = ""
    severity: str = ""
    tags: Sequence[str] = ()
    summons: ReportSummons | None = None
    evidence: Sequence[EvidenceLike] = ()
    witnesses: Sequence[str] = ()
    follow_up: Sequence[str] = ()
    timeline: Sequence[ReportTimelineEntry] = ()


@dataclass(frozen=True, slots=True)
class ReportObligation:
    """A sentence/probation, restriction, recurring check-in, hearing or deadline."""

    kind: str  # label: probation, restriction, check-in, hearing, deadline
    title: str
    starts: str = ""
    ends: str = ""
    authority: str = ""  # supervising body, court
    schedule: str = ""  # e.g. "every 2nd and 4th Monday at 10:00"
    conditions: str = ""
    source_decision: str = ""
    status: str = ""  # e.g. "ends in 31 days"


@dataclass(frozen=True, slots=True)
class ReportAttendance:
    """One entry of the attendance log (proof of compliance)."""

    scheduled: str
    status: str  # label: attended, moved, missed
    attended: str = ""
    obligation: str = ""  # which check-in / where
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReportSupervision:
    """A supervision event (a visit, a warning, a change of conditions…)."""

    when: str
    event: str
    authority: str = ""
    details: str = ""


@dataclass(frozen=True, slots=True)
class ReportInput:
    """Everything the report prints. ``period_from``/``period_until`` are display strings ("" =
    open); the ``by_*`` mappings are summary counts (label → number), printed in their order.
    ``obligations_included`` False leaves out the obligations, attendance and supervision
    sections altogether (an export made without obligations)."""

    owner_name: str
    period_from: str
    period_until: str
    created_at: datetime
    language: str
    verification_code: str
    chain_head: str
    export_id: str
    incidents: Sequence[ReportIncident] = ()
    obligations: Sequence[ReportObligation] = ()
    attendance: Sequence[ReportAttendance] = ()
    supervision: Sequence[ReportSupervision] = ()
    by_category: Mapping[str, int] = field(default_factory=dict)
    by_actor_kind: Mapping[str, int] = field(default_factory=dict)
    by_target: Mapping[str, int] = field(default_factory=dict)
    obligations_included: bool = True


# -- fixed texts ------------------------------------------------------------------------------

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "meta_title": "Chronology",
        "title": "Chronology of incidents",
        "page": "Page {page} of {pages}",
        "compiled_by": "Compiled by",
        "period": "Period",
        "period_all": "all records",
        "created": "Created",
        "incident_count": "Incidents",
        "export_id": "Export ID",
        "verification_code": "Signer's verification code",
        "chain_head": "History chain head",
        "verify_title": "How to verify",
        "verify_text": (
            "This report is one file of an encrypted export. The export's manifest.json lists "
            "the SHA-256 hash and size of every file, this report included, and manifest.sig is "
            "the signer's signature over manifest.json. Check the signature (in Defender Desk, "
            "or with ssh-keygen -Y verify, namespace defender-desk-export-v1) and the hashes "
            "(sha256sum -c), and compare the verification code above with the one the signer "
            "read to you in person. The chain head lets later exports from the same signer show "
            "that nothing in this one was changed afterwards."
        ),
        "summary": "Summary",
        "total": "Total incidents",
        "by_category": "By category",
        "by_actor": "By who acted",
        "by_target": "By whom it was aimed at",
        "count": "Number",
        "summary_note": "One incident can count in several rows.",
        "none": "None recorded.",
        "chronology": "Chronology",
        "no_incidents": "No incidents in this export.",
        "col_no": "No.",
        "col_date": "Date",
        "col_category": "Category",
        "col_title": "Title",
        "col_targets": "Targeted person",
        "col_actors": "Actor",
        "details": "Incidents in detail",
        "record_id": "Record ID",
        "f_date": "Date",
        "f_category": "Category",
        "f_place": "Place",
        "f_targets": "Targeted person",
        "f_actors": "Actor",
        "f_channel": "Channel",
        "f_severity": "Severity",
        "f_tags": "Tags",
        "f_witnesses": "Witnesses",
        "f_follow_up": "Follow-up actions",
        "f_description": "Description",
        "timeline": "Timeline",
        "summons": "Summons details",
        "s_by": "Summoned by",
        "s_basis": "Legal basis",
        "s_status": "Procedural status",
        "s_erdr": "Pre-trial investigation number",
        "s_when": "Date and time",
        "s_place": "Place",
        "s_lawyer": "Lawyer present",
        "yes": "yes",
        "no": "no",
        "not_stated": "not stated",
        "evidence": "Evidence",
        "no_evidence": "No evidence files attached.",
        "media_type": "Type",
        "size": "Size",
        "bytes": "bytes",
        "units": "B|KB|MB|GB|TB",
        "obligations": "Obligations and restrictions",
        "no_obligations": "No obligations recorded.",
        "o_kind": "Kind",
        "o_period": "Period",
        "o_authority": "Authority",
        "o_schedule": "Schedule",
        "o_conditions": "Conditions",
        "o_source": "Source decision",
        "o_status": "Status",
        "attendance": "Attendance log",
        "no_attendance": "No check-ins recorded.",
        "a_scheduled": "Scheduled",
        "a_attended": "Attended",
        "a_status": "Status",
        "a_obligation": "Check-in",
        "a_note": "Note",
        "supervision": "Supervision events",
        "no_supervision": "No supervision events recorded.",
        "v_when": "Date",
        "v_event": "Event",
        "v_authority": "Authority",
        "v_details": "Details",
    },
    "ru": {
        "meta_title": "Хронология",
        "title": "Хронология инцидентов",
        "page": "Страница {page} из {pages}",
        "compiled_by": "Составитель",
        "period": "Период",
        "period_all": "все записи",
        "created": "Дата создания",
        "incident_count": "Инцидентов",
        "export_id": "Идентификатор выгрузки",
        "verification_code": "Код проверки составителя",
        "chain_head": "Последний хеш цепочки истории",
        "verify_title": "Как проверить",
        "verify_text": (
            "Этот отчёт — один из файлов зашифрованной выгрузки. В её файле manifest.json "
            "указаны хеш SHA-256 и размер каждого файла, включая этот отчёт, а manifest.sig — "
            "подпись составителя под manifest.json. Проверьте подпись (в Defender Desk или "
            "командой ssh-keygen -Y verify, пространство имён defender-desk-export-v1) и хеши "
            "(sha256sum -c), а также сверьте код проверки выше с кодом, который составитель "
            "продиктовал вам лично. По последнему хешу цепочки следующие выгрузки того же "
            "составителя покажут, что в этой выгрузке ничего не было изменено задним числом."
        ),
        "summary": "Сводка",
        "total": "Всего инцидентов",
        "by_category": "По категориям",
        "by_actor": "По тем, кто действовал",
        "by_target": "По тем, кому адресовано",
        "count": "Количество",
        "summary_note": "Один инцидент может учитываться в нескольких строках.",
        "none": "Нет записей.",
        "chronology": "Хронология",
        "no_incidents": "В этой выгрузке нет инцидентов.",
        "col_no": "№",
        "col_date": "Дата",
        "col_category": "Категория",
        "col_title": "Название",
        "col_targets": "Кому адресовано",
        "col_actors": "Кто действовал",
        "details": "Инциденты подробно",
        "record_id": "Идентификатор записи",
        "f_date": "Дата",
        "f_category": "Категория",
        "f_place": "Место",
        "f_targets": "Кому адресовано",
        "f_actors": "Кто действовал",
        "f_channel": "Способ",
        "f_severity": "Тяжесть",
        "f_tags": "Метки",
        "f_witnesses": "Свидетели",
        "f_follow_up": "Принятые меры",
        "f_description": "Описание",
        "timeline": "Ход событий",
        "summons": "Сведения о вызове",
        "s_by": "Кто вызвал",
        "s_basis": "Правовое основание",
        "s_status": "Процессуальный статус",
        "s_erdr": "Номер ЕРДР",
        "s_when": "Дата и время",
        "s_place": "Место",
        "s_lawyer": "Присутствовал адвокат",
        "yes": "да",
        "no": "нет",
        "not_stated": "не указано",
        "evidence": "Доказательства",
        "no_evidence": "Файлы-доказательства не приложены.",
        "media_type": "Тип",
        "size": "Размер",
        "bytes": "байт",
        "units": "Б|КБ|МБ|ГБ|ТБ",
        "obligations": "Обязанности и ограничения",
        "no_obligations": "Обязанности не записаны.",
        "o_kind": "Вид",
        "o_period": "Период",
        "o_authority": "Орган",
        "o_schedule": "График",
        "o_conditions": "Условия",
        "o_source": "Основание (решение)",
        "o_status": "Состояние",
        "attendance": "Журнал отметок в службе пробации",
        "no_attendance": "Отметки не записаны.",
        "a_scheduled": "Назначено",
        "a_attended": "Фактически",
        "a_status": "Отметка",
        "a_obligation": "Обязанность",
        "a_note": "Примечание",
        "supervision": "События контроля",
        "no_supervision": "События контроля не записаны.",
        "v_when": "Дата",
        "v_event": "Событие",
        "v_authority": "Орган",
        "v_details": "Подробности",
    },
    "kk": {
        "meta_title": "Хронология",
        "title": "Оқиғалар хронологиясы",
        "page": "{pages} беттің {page}-беті",
        "compiled_by": "Құрастырушы",
        "period": "Кезең",
        "period_all": "барлық жазбалар",
        "created": "Жасалған күні",
        "incident_count": "Оқиғалар саны",
        "export_id": "Экспорт идентификаторы",
        "verification_code": "Құрастырушының тексеру коды",
        "chain_head": "Тарих тізбегінің соңғы хэші",
        "verify_title": "Қалай тексеруге болады",
        "verify_text": (
            "Бұл есеп — шифрланған экспорттың бір файлы. Экспорттың manifest.json файлында әр "
            "файлдың, оның ішінде осы есептің, SHA-256 хэші мен өлшемі көрсетілген, ал "
            "manifest.sig — құрастырушының manifest.json файлына қойған қолтаңбасы. Қолтаңбаны "
            "(Defender Desk бағдарламасында немесе ssh-keygen -Y verify командасымен, аттар "
            "кеңістігі defender-desk-export-v1) және хэштерді (sha256sum -c) тексеріңіз, "
            "сондай-ақ жоғарыдағы тексеру кодын құрастырушы сізге өзі айтқан кодпен "
            "салыстырыңыз. Тізбектің соңғы хэші арқылы сол құрастырушының кейінгі экспорттары "
            "осы экспорттағы ештеңенің кейін өзгертілмегенін көрсетеді."
        ),
        "summary": "Жиынтық",
        "total": "Барлық оқиғалар",
        "by_category": "Санаттар бойынша",
        "by_actor": "Кім жасағаны бойынша",
        "by_target": "Кімге бағытталғаны бойынша",
        "count": "Саны",
        "summary_note": "Бір оқиға бірнеше жолда есептелуі мүмкін.",
        "none": "Жазбалар жоқ.",
        "chronology": "Хронология",
        "no_incidents": "Бұл экспортта оқиғалар жоқ.",
        "col_no": "№",
        "col_date": "Күні",
        "col_category": "Санат",
        "col_title": "Атауы",
        "col_targets": "Кімге бағытталған",
        "col_actors": "Кім жасады",
        "details": "Оқиғалар толығырақ",
        "record_id": "Жазба идентификаторы",
        "f_date": "Күні",
        "f_category": "Санат",
        "f_place": "Орны",
        "f_targets": "Кімге бағытталған",
        "f_actors": "Кім жасады",
        "f_channel": "Байланыс тәсілі",
        "f_severity": "Ауырлығы",
        "f_tags": "Тегтер",
        "f_witnesses": "Куәлар",
        "f_follow_up": "Қабылданған шаралар",
        "f_description": "Сипаттамасы",
        "timeline": "Оқиғалар барысы",
        "summons": "Шақыру туралы мәліметтер",
        "s_by": "Кім шақырды",
        "s_basis": "Құқықтық негізі",
        "s_status": "Іс жүргізу мәртебесі",
        "s_erdr": "СДТБ нөмірі",
        "s_when": "Күні мен уақыты",
        "s_place": "Орны",
        "s_lawyer": "Адвокат қатысты ма",
        "yes": "иә",
        "no": "жоқ",
        "not_stated": "көрсетілмеген",
        "evidence": "Дәлелдемелер",
        "no_evidence": "Дәлелдеме файлдары тіркелмеген.",
        "media_type": "Түрі",
        "size": "Өлшемі",
        "bytes": "байт",
        "units": "Б|КБ|МБ|ГБ|ТБ",
        "obligations": "Міндеттер мен шектеулер",
        "no_obligations": "Міндеттер жазылмаған.",
        "o_kind": "Түрі",
        "o_period": "Кезеңі",
        "o_authority": "Орган",
        "o_schedule": "Кестесі",
        "o_conditions": "Шарттары",
        "o_source": "Негіз (шешім)",
        "o_status": "Жағдайы",
        "attendance": "Пробация қызметінде белгілену журналы",
        "no_attendance": "Белгілену жазбалары жоқ.",
        "a_scheduled": "Белгіленген уақыты",
        "a_attended": "Нақты келген уақыты",
        "a_status": "Белгі",
        "a_obligation": "Міндет",
        "a_note": "Ескертпе",
        "supervision": "Бақылау барысындағы жағдайлар",
        "no_supervision": "Бақылау жағдайлары жазылмаған.",
        "v_when": "Күні",
        "v_event": "Жағдай",
        "v_authority": "Орган",
        "v_details": "Толығырақ",
    },
}


def texts(language: str) -> Mapping[str, str]:
    """The fixed texts of the report in ``language`` (en, ru or kk)."""
    try:
        return _TEXTS[language]
    except KeyError:
        raise InvalidInput(field="language", reason=N_("unsupported report language")) from None


# -- formatting -------------------------------------------------------------------------------


def format_size(size: int, language: str) -> str:
    """``2,4 МБ (2 516 582 байт)``: a rounded figure for reading, the exact one for checking."""
    t = texts(language)
    units = t["units"].split("|")
    exact = f"{format_decimal(size, locale=language)} {t['bytes']}"
    if size < 1024:
        return exact
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    rounded = format_decimal(round(value, 1), format="#,##0.0", locale=language)
    return f"{rounded} {units[unit]} ({exact})"


def format_created(moment: datetime, language: str) -> str:
    """The creation time with its UTC offset, e.g. ``25 ноября 2026 г., 14:30 (UTC+05:00)``."""
    day = format_date(moment.date(), format="long", locale=language)
    text = f"{day}, {moment:%H:%M}"
    offset = moment.utcoffset()
    if offset is not None:
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        text += f" (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"
    return text


def _period(data: ReportInput, t: Mapping[str, str]) -> str:
    if not data.period_from and not data.period_until:
        return t["period_all"]
    return f"{data.period_from or '…'} — {data.period_until or '…'}"


def _join(values: Sequence[str]) -> str:
    return ", ".join(v for v in values if v)


def _evidence(item: EvidenceLike) -> ReportEvidence:
    if isinstance(item, ReportEvidence):
        return item
    name, media_type, size, sha256 = item
    return ReportEvidence(name, media_type, size, sha256)


def _ordered(incidents: Sequence[ReportIncident]) -> list[ReportIncident]:
    return sorted(incidents, key=lambda inc: inc.position)  # stable: ties keep their order


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- sections ---------------------------------------------------------------------------------


def _cover(pdf: ReportPDF, data: ReportInput, t: Mapping[str, str], count: int) -> None:
    pdf.add_page()
    pdf.start_section(t["title"])
    pdf.ln(18)
    pdf.paragraph(t["title"], size=22, style="B")
    pdf.ln(2)
    pdf.paragraph(data.owner_name, size=15, max_lines=4)
    pdf.ln(2)
    pdf.paragraph(_period(data, t), size=11, color=GREY_TEXT, max_lines=4)
    pdf.ln(8)
    pdf.set_draw_color(*RULE_GREY)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(4)
    pdf.fields(
        [
            (t["compiled_by"], data.owner_name),
            (t["period"], _period(data, t)),
            (t["created"], format_created(data.created_at, data.language)),
            (t["incident_count"], str(count)),
        ],
        label_width=62,
        size=10,
    )
    for key, value, size in (
        ("verification_code", data.verification_code, 14.0),
        ("export_id", data.export_id, 9.0),
        ("chain_head", data.chain_head, 8.5),
    ):
        pdf.ln(1.5)
        pdf.paragraph(t[key], size=9.5, style="B", color=GREY_TEXT)
        pdf.mono_block(value or "—", size=size)
    pdf.ln(10)
    pdf.paragraph(t["verify_title"], size=10.5, style="B")
    pdf.ln(1)
    pdf.paragraph(t["verify_text"], size=9.5)


def _summary(pdf: ReportPDF, data: ReportInput, t: Mapping[str, str], count: int) -> None:
    pdf.add_page()
    pdf.heading(t["summary"], size=16, outline_level=0)
    pdf.fields([(t["total"], str(count))], label_width=62, size=10.5)
    for key, column, counts in (
        ("by_category", "col_category", data.by_category),
        ("by_actor", "col_actors", data.by_actor_kind),
        ("by_target", "col_targets", data.by_target),
    ):
        pdf.heading(t[key], size=12, space_before=5)
        if not counts:
            pdf.paragraph(t["none"], size=9.5, color=GREY_TEXT)
            continue
        pdf.data_table(
            [Column(t[column], 5), Column(t["count"], 1, align="R")],
            [(label, str(number)) for label, number in counts.items()],
            size=9,
            max_lines=6,
        )
    pdf.ln(3)
    pdf.paragraph(t["summary_note"], size=8.5, color=GREY_TEXT)


def _chronology_table(
    pdf: ReportPDF, t: Mapping[str, str], incidents: Sequence[ReportIncident], links: list[int]
) -> None:
    pdf.add_page()
    pdf.heading(t["chronology"], size=16, outline_level=0)
    if not incidents:
        pdf.paragraph(t["no_incidents"], size=10, color=GREY_TEXT)
        return
    columns = [
        Column(t["col_no"], 0.55, align="R"),
        Column(t["col_date"], 1.35),
        Column(t["col_category"], 1.7),
        Column(t["col_title"], 2.6),
        Column(t["col_targets"], 1.35),
        Column(t["col_actors"], 1.45),
    ]
    rows = [
        (str(n), inc.when, inc.category, inc.title, _join(inc.targets), _join(inc.actors))
        for n, inc in enumerate(incidents, start=1)
    ]
    pdf.data_table(columns, rows, size=8, max_lines=12, links=links)


def _incident(
    pdf: ReportPDF,
    t: Mapping[str, str],
    number: int,
    inc: ReportIncident,
    link: int,
    language: str,
) -> None:
    title = f"{number}. {inc.title}" if inc.title else f"{number}."
    pdf.heading(title, size=12, space_before=7, outline_level=1, link=link)
    pdf.paragraph(f"{t['record_id']}: {inc.id}", size=7, mono=True, color=GREY_TEXT, max_lines=3)
    pdf.ln(1.5)
    rows: list[tuple[str, str]] = [
        (t["f_date"], inc.when),
        (t["f_category"], inc.category),
        (t["f_place"], inc.place),
        (t["f_targets"], _join(inc.targets)),
        (t["f_actors"], _join(inc.actors)),
        (t["f_channel"], inc.channel),
        (t["f_severity"], inc.severity),
    ]
    if inc.tags:
        rows.append((t["f_tags"], _join(inc.tags)))
    if inc.witnesses:
        rows.append((t["f_witnesses"], _join(inc.witnesses)))
    if inc.follow_up:
        rows.append((t["f_follow_up"], "\n".join(inc.follow_up)))
    pdf.fields(rows)
    if inc.description:
        pdf.ln(1)
        _sub_heading(pdf, t["f_description"])
        pdf.paragraph(inc.description, size=9.5)
    if inc.timeline:
        _sub_heading(pdf, t["timeline"])
        pdf.fields([(entry.when, entry.text) for entry in inc.timeline], label_width=32, size=9)
    if inc.summons is not None:
        _summons(pdf, t, inc.summons)
    _evidence_list(pdf, t, [_evidence(e) for e in inc.evidence], language)
    pdf.ln(2)
    pdf.set_draw_color(*RULE_GREY)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)


def _sub_heading(pdf: ReportPDF, text: str) -> None:
    if pdf.will_page_break(14):
        pdf.add_page()
    pdf.ln(1.5)
    pdf.paragraph(text, size=9.5, style="B")
    pdf.ln(0.5)


def _summons(pdf: ReportPDF, t: Mapping[str, str], s: ReportSummons) -> None:
    _sub_heading(pdf, t["summons"])
    lawyer = {True: t["yes"], False: t["no"], None: t["not_stated"]}[s.lawyer_present]
    pdf.fields(
        [
            (t["s_by"], s.summoned_by or t["not_stated"]),
            (t["s_basis"], s.legal_basis or t["not_stated"]),
            (t["s_status"], s.status or t["not_stated"]),
            (t["s_erdr"], s.erdr_number or t["not_stated"]),
            (t["s_when"], s.when or t["not_stated"]),
            (t["s_place"], s.place or t["not_stated"]),
            (t["s_lawyer"], lawyer),
        ]
    )


def _evidence_list(
    pdf: ReportPDF, t: Mapping[str, str], items: Sequence[ReportEvidence], language: str
) -> None:
    _sub_heading(pdf, t["evidence"])
    if not items:
        pdf.paragraph(t["no_evidence"], size=9, color=GREY_TEXT)
        return
    indent = 7.0
    width = pdf.epw - indent
    label_w = 16.0
    for n, item in enumerate(items, start=1):
        pdf.use(9, style="B")
        name = pdf.clip_lines(pdf.wrap(pdf.clean(item.file_name) or "—", width), 12, width)
        meta = f"{t['media_type']}: {item.media_type or '—'} · {t['size']}: "
        meta += format_size(item.size, language)
        pdf.use(8.5)
        meta_lines = pdf.clip_lines(pdf.wrap(pdf.clean(meta), width), 6, width)
        digest = pdf.clean(item.sha256.strip().lower(), mono=True, single_line=True)
        hex_lines = pdf.hex_lines(digest, width - label_w, 8)[:8]
        height = len(name) * 4.1 + len(meta_lines) * 3.9 + len(hex_lines) * 3.7 + 1.5
        if pdf.y + height > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.y
        pdf.use(9, style="B")
        pdf.set_xy(pdf.l_margin, top)
        pdf.cell(indent, 4.1, f"{n}.", align="R")
        pdf.set_y(top)
        pdf.draw_lines(name, x=pdf.l_margin + indent, width=width, line_h=4.1, breakable=False)
        pdf.use(8.5)
        pdf.set_text_color(*GREY_TEXT)
        pdf.draw_lines(
            meta_lines, x=pdf.l_margin + indent, width=width, line_h=3.9, breakable=False
        )
        pdf.use(8)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(label_w, 3.7, "SHA-256:")
        pdf.set_text_color(*BLACK)
        pdf.use(8, mono=True)
        pdf.draw_lines(
            hex_lines,
            x=pdf.l_margin + indent + label_w,
            width=width - label_w,
            line_h=3.7,
            breakable=False,
        )
        pdf.ln(1.5)


def _obligations(pdf: ReportPDF, data: ReportInput, t: Mapping[str, str]) -> None:
    pdf.add_page()
    pdf.heading(t["obligations"], size=16, outline_level=0)
    if not data.obligations:
        pdf.paragraph(t["no_obligations"], size=10, color=GREY_TEXT)
    for ob in data.obligations:
        pdf.heading(ob.title or ob.kind, size=11.5, space_before=4)
        rows = [(t["o_kind"], ob.kind)]
        if ob.starts or ob.ends:
            rows.append((t["o_period"], f"{ob.starts or '…'} — {ob.ends or '…'}"))
        for key, value in (
            ("o_authority", ob.authority),
            ("o_schedule", ob.schedule),
            ("o_conditions", ob.conditions),
            ("o_source", ob.source_decision),
            ("o_status", ob.status),
        ):
            if value:
                rows.append((t[key], value))
        pdf.fields(rows)

    pdf.heading(t["attendance"], size=14, space_before=9, outline_level=0)
    if not data.attendance:
        pdf.paragraph(t["no_attendance"], size=10, color=GREY_TEXT)
    else:
        pdf.data_table(
            [
                Column(t["a_scheduled"], 1.3),
                Column(t["a_attended"], 1.3),
                Column(t["a_status"], 1.0),
                Column(t["a_obligation"], 1.5),
                Column(t["a_note"], 2.2),
            ],
            [(a.scheduled, a.attended, a.status, a.obligation, a.note) for a in data.attendance],
            size=8.5,
        )

    pdf.heading(t["supervision"], size=14, space_before=9, outline_level=0)
    if not data.supervision:
        pdf.paragraph(t["no_supervision"], size=10, color=GREY_TEXT)
    else:
        pdf.data_table(
            [
                Column(t["v_when"], 1.2),
                Column(t["v_event"], 1.6),
                Column(t["v_authority"], 1.5),
                Column(t["v_details"], 3.0),
            ],
            [(s.when, s.event, s.authority, s.details) for s in data.supervision],
            size=8.5,
        )


# -- entry point ------------------------------------------------------------------------------


def render_chronology(data: ReportInput) -> bytes:
    """The report as PDF bytes, in ``data.language``. Equal input gives equal bytes."""
    t = texts(data.language)
    incidents = _ordered(data.incidents)

    def draw(pdf: ReportPDF) -> None:
        _cover(pdf, data, t, len(incidents))
        _summary(pdf, data, t, len(incidents))
        links = [pdf.add_link() for _ in incidents]
        _chronology_table(pdf, t, incidents, links)
        if incidents:
            pdf.add_page()
            pdf.heading(t["details"], size=16, outline_level=0)
            for number, (inc, link) in enumerate(zip(incidents, links, strict=True), start=1):
                _incident(pdf, t, number, inc, link, data.language)
        if data.obligations_included:
            _obligations(pdf, data, t)

    return render(
        draw,
        language=data.language,
        title=t["meta_title"],
        created_at=data.created_at,
        running_header=f"{t['title']} · {_short(data.owner_name, 60)}",
        footer_template=t["page"],
    )
