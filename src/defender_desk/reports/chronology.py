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
    "ReportPerson",
    "ReportSummons",
    "ReportSupervision",
    "ReportTimelineEntry",
    "ReportWitness",
    "render_chronology",
    "texts",
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
    """Details of a summons or an invitation to a "conversation". "" (or None) = not given:
    such a field is not printed at all — nothing is assumed."""

    summoned_by: str = ""
    legal_basis: str = ""
    status: str = ""  # her procedural status as the summons states it, as a label
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
    recorded: str = ""  # when it was entered in the record (and last changed), rendered


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
    forbids: str = ""  # a restriction: what it forbids, printed as "Forbidden: …"


@dataclass(frozen=True, slots=True)
class ReportAttendance:
    """One entry of the attendance log (proof of compliance). ``scheduled`` is the time the
    schedule set (printed as scheduled); ``attended`` only what was logged — a date, never an
    invented time. ``evidence`` is listed under the entry; ``evidence_ids`` name it for the
    export, which resolves them."""

    scheduled: str
    status: str  # label: attended, moved, missed
    attended: str = ""
    obligation: str = ""  # which check-in / where
    note: str = ""
    record_id: str = ""
    evidence_ids: Sequence[str] = ()
    evidence: Sequence[EvidenceLike] = ()
    recorded: str = ""  # when the entry was written in the log, rendered


@dataclass(frozen=True, slots=True)
class ReportSupervision:
    """A supervision event (a visit, a warning, a change of conditions…), with its evidence."""

    when: str
    event: str
    authority: str = ""
    details: str = ""
    record_id: str = ""
    evidence_ids: Sequence[str] = ()
    evidence: Sequence[EvidenceLike] = ()
    recorded: str = ""


@dataclass(frozen=True, slots=True)
class ReportPerson:
    """Someone named in the exported incidents: labels already in the report's language."""

    name: str
    role: str = ""
    relation: str = ""  # her relation to the owner ("дочь"), family only
    institution: str = ""
    record_id: str = ""
    recorded: str = ""


@dataclass(frozen=True, slots=True)
class ReportWitness:
    """A receipt: ``name`` (``code``, key ``fingerprint``) received chain head ``head_seq`` on
    ``received`` (rendered, the witness's own clock)."""

    name: str
    verification_code: str
    fingerprint: str
    head_seq: int
    head_hash: str
    received: str
    receipt_id: str = ""


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
    people: Sequence[ReportPerson] = ()
    witnesses: Sequence[ReportWitness] = ()
    signing_key_fingerprint: str = ""  # SHA256:… as ssh-keygen prints it


# -- fixed texts ------------------------------------------------------------------------------

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "meta_title": "Chronology",
        "self_target": "the author of the records",
        "recorded": "Entered in the record",
        "recorded_changed": "{first}; last changed {last}",
        "signing_key": "Signer's signing key (SHA-256 fingerprint, as ssh-keygen prints it)",
        "people": "People",
        "people_note": (
            "Everyone named in the incidents of this export. Relations are to the author of the "
            "records."
        ),
        "p_name": "Name",
        "p_role": "Role",
        "p_relation": "Relation to the author",
        "p_institution": "Institution",
        "p_recorded": "Entered",
        "o_forbids": "Forbidden",
        "a_no": "No.",
        "a_recorded": "Entered",
        "attendance_note": (
            "“Scheduled time” is the time the schedule set. “Logged” is only what was written in "
            "the log: the day and what happened — no time of arrival was logged."
        ),
        "log_evidence": "Evidence for the log",
        "a_entry": "Attendance log No. {n}: {when}, {status}",
        "v_entry": "Supervision event No. {n}: {when}, {event}",
        "witnesses": "Independent witnesses",
        "witnesses_intro": (
            "Every date in this report comes from the author's own computer clock. A receipt is "
            "an independent witness: another person, with their own signing key and by their "
            "own clock, confirms having received the history chain up to a given revision."
        ),
        "witness_line": "Head {seq} was received by {name} ({code}) on {date}.",
        "witness_proves": (
            "What this proves: every record up to revision {seq} existed no later than {date}, "
            "whatever the author's clock said. It rests on the witness's signature and clock, "
            "not on the author's."
        ),
        "witness_key": "Witness's signing key",
        "witness_head": "Witnessed chain head",
        "witness_check": (
            "To check: ssh-keygen -Y verify -n defender-desk-receipt-v1 with the witness's key, "
            "on receipts/{id}.json and receipts/{id}.json.sig in the export."
        ),
        "no_witnesses": (
            "This export carries no receipt. Without one, the dates in this report rest on the "
            "author's computer clock alone."
        ),
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
        "o_source": "Court verdict or ruling",
        "o_status": "Status",
        "attendance": "Attendance log",
        "no_attendance": "No check-ins recorded.",
        "a_scheduled": "Scheduled time",
        "a_attended": "Logged",
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
        "self_target": "автор записей",
        "recorded": "Внесено в записи",
        "recorded_changed": "{first}; последнее изменение: {last}",
        "signing_key": "Ключ подписи составителя (отпечаток SHA-256, как его выводит ssh-keygen)",
        "people": "Люди",
        "people_note": (
            "Все, кто упомянут в инцидентах этой выгрузки. Родство указано по отношению к автору "
            "записей."
        ),
        "p_name": "Имя",
        "p_role": "Роль",
        "p_relation": "Кем приходится автору",
        "p_institution": "Учреждение",
        "p_recorded": "Внесено",
        "o_forbids": "Запрещено",
        "a_no": "№",
        "a_recorded": "Внесено",
        "attendance_note": (
            "«Время по графику» — время, назначенное графиком. «Отмечено в журнале» — только то, "
            "что записано в журнал: день и что произошло; время прихода не записывалось."
        ),
        "log_evidence": "Доказательства к журналу",
        "a_entry": "Запись журнала № {n}: {when}, {status}",
        "v_entry": "Событие контроля № {n}: {when}, {event}",
        "witnesses": "Независимые свидетели",
        "witnesses_intro": (
            "Все даты в этом отчёте взяты с часов компьютера автора записей. Расписка — "
            "независимый свидетель: другой человек своим ключом подписи и по своим часам "
            "подтверждает, что получил цепочку истории до определённой редакции."
        ),
        "witness_line": (
            "Редакция {seq} получена свидетелем: {name} ({code}); время получения: {date}."
        ),
        "witness_proves": (
            "Что это доказывает: каждая запись до редакции {seq} существовала не позднее этого "
            "времени получения, что бы ни показывали часы автора записей. Это основано на "
            "подписи и часах свидетеля, а не автора."
        ),
        "witness_key": "Ключ подписи свидетеля",
        "witness_head": "Засвидетельствованная редакция",
        "witness_check": (
            "Проверка: ssh-keygen -Y verify -n defender-desk-receipt-v1 с ключом свидетеля, для "
            "файлов receipts/{id}.json и receipts/{id}.json.sig из выгрузки."
        ),
        "no_witnesses": (
            "В эту выгрузку не вложено ни одной расписки. Без них даты в этом отчёте основаны "
            "только на часах компьютера автора записей."
        ),
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
            "(sha256sum -c), а также сверьте код проверки выше с кодом, который вам лично "
            "продиктовали при встрече. По последнему хешу цепочки следующие выгрузки того же "
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
        "f_severity": "Серьёзность",
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
        "o_source": "Приговор или постановление суда",
        "o_status": "Состояние",
        "attendance": "Журнал явок",
        "no_attendance": "Отметки не записаны.",
        "a_scheduled": "Время по графику",
        "a_attended": "Отмечено в журнале",
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
        "self_target": "жазбалардың авторы",
        "recorded": "Жазбаға енгізілген",
        "recorded_changed": "{first}; соңғы өзгеріс: {last}",
        "signing_key": "Құрастырушының қолтаңба кілті (ssh-keygen шығаратын SHA-256 саусақ ізі)",
        "people": "Адамдар",
        "people_note": (
            "Осы экспорттағы оқиғаларда аталған барлық адамдар. Туыстығы жазбалар авторына "
            "қатысты көрсетілген."
        ),
        "p_name": "Аты",
        "p_role": "Рөлі",
        "p_relation": "Авторға кім болады",
        "p_institution": "Мекеме",
        "p_recorded": "Енгізілген",
        "o_forbids": "Тыйым салынады",
        "a_no": "№",
        "a_recorded": "Енгізілген",
        "attendance_note": (
            "«Кесте бойынша уақыты» — кестеде белгіленген уақыт. «Журналға жазылғаны» — журналға "
            "жазылғаны ғана: күні және не болғаны; келген уақыты жазылмаған."
        ),
        "log_evidence": "Журналға қатысты дәлелдемелер",
        "a_entry": "Журнал жазбасы № {n}: {when}, {status}",
        "v_entry": "Бақылау жағдайы № {n}: {when}, {event}",
        "witnesses": "Тәуелсіз куәлар",
        "witnesses_intro": (
            "Бұл есептегі барлық күндер жазбалар авторының компьютер сағатынан алынған. Қолхат — "
            "тәуелсіз куә: басқа адам өз қолтаңба кілтімен және өз сағаты бойынша тарих тізбегін "
            "белгілі бір нұсқаға дейін алғанын растайды."
        ),
        "witness_line": "{seq}-нұсқаны алған куә: {name} ({code}); алған уақыты: {date}.",
        "witness_proves": (
            "Бұл нені дәлелдейді: {seq}-нұсқаға дейінгі әр жазба осы алу уақытынан кешіктірмей "
            "болған, автордың сағаты не көрсетсе де. Бұл автордың емес, куәның қолтаңбасы мен "
            "сағатына негізделген."
        ),
        "witness_key": "Куәның қолтаңба кілті",
        "witness_head": "Куәландырылған нұсқа",
        "witness_check": (
            "Тексеру: ssh-keygen -Y verify -n defender-desk-receipt-v1, куәның кілтімен, "
            "экспорттағы receipts/{id}.json және receipts/{id}.json.sig файлдары үшін."
        ),
        "no_witnesses": (
            "Бұл экспортқа бірде-бір қолхат салынбаған. Оларсыз бұл есептегі күндер тек жазбалар "
            "авторының компьютер сағатына негізделеді."
        ),
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
            "сондай-ақ жоғарыдағы тексеру кодын сізге кездесуде жеке айтылған кодпен "
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
        "s_erdr": "СДТБТ (ЕРДР) нөмірі",
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
        "o_source": "Сот үкімі немесе қаулысы",
        "o_status": "Жағдайы",
        "attendance": "Келу журналы",
        "no_attendance": "Тіркеуге келу жазбалары жоқ.",
        "a_scheduled": "Кесте бойынша уақыты",
        "a_attended": "Журналға жазылғаны",
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
        ("signing_key", data.signing_key_fingerprint, 9.0),
        ("export_id", data.export_id, 9.0),
        ("chain_head", data.chain_head, 8.5),
    ):
        if key == "signing_key" and not value:
            continue
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
    if inc.recorded:
        rows.append((t["recorded"], inc.recorded))
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


def _sub_heading(pdf: ReportPDF, text: str, keep: float = 14) -> None:
    """A bold line kept with ``keep`` mm of what follows (never alone at a page's foot)."""
    if pdf.will_page_break(keep):
        pdf.add_page()
    pdf.ln(1.5)
    pdf.paragraph(text, size=9.5, style="B")
    pdf.ln(0.5)


def _summons(pdf: ReportPDF, t: Mapping[str, str], s: ReportSummons) -> None:
    """Only what was given: an unset field is not printed (nothing is assumed)."""
    lawyer = {True: t["yes"], False: t["no"], None: ""}[s.lawyer_present]
    rows = [
        (label, value)
        for label, value in (
            (t["s_by"], s.summoned_by),
            (t["s_basis"], s.legal_basis),
            (t["s_status"], s.status),
            (t["s_erdr"], s.erdr_number),
            (t["s_when"], s.when),
            (t["s_place"], s.place),
            (t["s_lawyer"], lawyer),
        )
        if value.strip()
    ]
    if not rows:
        return
    _sub_heading(pdf, t["summons"])
    pdf.fields(rows)


def _evidence_list(
    pdf: ReportPDF,
    t: Mapping[str, str],
    items: Sequence[ReportEvidence],
    language: str,
    heading: str | None = None,
) -> None:
    # kept with the first file's lines (name, type and size, hash)
    _sub_heading(pdf, t["evidence"] if heading is None else heading, keep=30 if items else 14)
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


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _obligations(pdf: ReportPDF, data: ReportInput, t: Mapping[str, str]) -> None:
    pdf.add_page()
    pdf.heading(t["obligations"], size=16, outline_level=0)
    if not data.obligations:
        pdf.paragraph(t["no_obligations"], size=10, color=GREY_TEXT)
    for ob in data.obligations:
        pdf.heading(ob.title or ob.kind, size=11.5, space_before=4)
        rows = [] if _same(ob.title, ob.kind) else [(t["o_kind"], ob.kind)]
        if ob.starts or ob.ends:
            rows.append((t["o_period"], f"{ob.starts or '…'} — {ob.ends or '…'}"))
        for key, value in (
            ("o_authority", ob.authority),
            ("o_schedule", ob.schedule),
            ("o_conditions", ob.conditions),
            ("o_source", ob.source_decision),
            ("o_status", ob.status),
        ):
            if value and not (key == "o_authority" and _same(value, ob.title)):
                rows.append((t[key], value))
        if rows:
            pdf.fields(rows)
        if ob.forbids.strip():
            # What a restriction forbids reads as a ban, never as a duty ("Conditions").
            pdf.ln(0.5)
            pdf.paragraph(f"{t['o_forbids']}: {ob.forbids.strip()}", size=9.5, style="B")

    pdf.heading(t["attendance"], size=14, space_before=9, outline_level=0)
    if not data.attendance:
        pdf.paragraph(t["no_attendance"], size=10, color=GREY_TEXT)
    else:
        pdf.paragraph(t["attendance_note"], size=8.5, color=GREY_TEXT)
        pdf.ln(1)
        pdf.data_table(
            [
                Column(t["a_no"], 0.45, align="R"),
                Column(t["a_scheduled"], 1.45),
                Column(t["a_attended"], 1.35),
                Column(t["a_obligation"], 1.4),
                Column(t["a_note"], 1.6),
                Column(t["a_recorded"], 1.25),
            ],
            [
                (
                    str(n),
                    a.scheduled,
                    f"{a.status}: {a.attended}" if a.attended else a.status,
                    a.obligation,
                    a.note,
                    a.recorded,
                )
                for n, a in enumerate(data.attendance, start=1)
            ],
            size=8,
        )

    pdf.heading(t["supervision"], size=14, space_before=9, outline_level=0)
    if not data.supervision:
        pdf.paragraph(t["no_supervision"], size=10, color=GREY_TEXT)
    else:
        pdf.data_table(
            [
                Column(t["a_no"], 0.45, align="R"),
                Column(t["v_when"], 1.2),
                Column(t["v_event"], 1.6),
                Column(t["v_authority"], 1.4),
                Column(t["v_details"], 2.2),
                Column(t["a_recorded"], 1.25),
            ],
            [
                (str(n), v.when, v.event, v.authority, v.details, v.recorded)
                for n, v in enumerate(data.supervision, start=1)
            ],
            size=8,
        )

    with_files = [
        (t["a_entry"].format(n=n, when=a.scheduled, status=a.status), a.evidence)
        for n, a in enumerate(data.attendance, start=1)
        if a.evidence
    ] + [
        (t["v_entry"].format(n=n, when=v.when, event=v.event), v.evidence)
        for n, v in enumerate(data.supervision, start=1)
        if v.evidence
    ]
    if with_files:
        if pdf.will_page_break(55):  # the heading, the first entry and its first file together
            pdf.add_page()
        pdf.heading(t["log_evidence"], size=14, space_before=9, outline_level=0)
        for title, files in with_files:
            _evidence_list(pdf, t, [_evidence(e) for e in files], data.language, heading=title)


def _people(pdf: ReportPDF, data: ReportInput, t: Mapping[str, str]) -> None:
    pdf.heading(t["people"], size=16, space_before=9, outline_level=0)
    pdf.paragraph(t["people_note"], size=8.5, color=GREY_TEXT)
    pdf.ln(1)
    if not data.people:
        pdf.paragraph(t["none"], size=9.5, color=GREY_TEXT)
        return
    pdf.data_table(
        [
            Column(t["p_name"], 1.9),
            Column(t["p_role"], 1.3),
            Column(t["p_relation"], 1.3),
            Column(t["p_institution"], 1.6),
            Column(t["p_recorded"], 1.5),
        ],
        [(p.name, p.role, p.relation, p.institution, p.recorded) for p in data.people],
        size=8.5,
        max_lines=6,
    )


def _witnesses(pdf: ReportPDF, data: ReportInput, t: Mapping[str, str]) -> None:
    pdf.add_page()
    pdf.heading(t["witnesses"], size=16, outline_level=0)
    pdf.paragraph(t["witnesses_intro"], size=9.5)
    pdf.ln(2)
    if not data.witnesses:
        pdf.paragraph(t["no_witnesses"], size=9.5, color=GREY_TEXT)
        return
    for w in data.witnesses:
        if pdf.will_page_break(40):
            pdf.add_page()
        pdf.ln(2)
        line = t["witness_line"].format(
            seq=w.head_seq, name=w.name, code=w.verification_code, date=w.received
        )
        pdf.paragraph(line, size=10.5, style="B")
        pdf.ln(0.5)
        pdf.paragraph(t["witness_proves"].format(seq=w.head_seq, date=w.received), size=9.5)
        pdf.ln(0.5)
        pdf.fields(
            [
                (t["witness_key"], w.fingerprint),
                (t["witness_head"], f"{w.head_seq} · {w.head_hash}"),
            ],
            size=8.5,
        )
        if w.receipt_id:
            pdf.paragraph(
                t["witness_check"].format(id=w.receipt_id), size=8, color=GREY_TEXT, mono=False
            )
        pdf.set_draw_color(*RULE_GREY)
        pdf.set_line_width(0.2)
        pdf.ln(1.5)
        pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)


# -- entry point ------------------------------------------------------------------------------


def render_chronology(data: ReportInput) -> bytes:
    """The report as PDF bytes, in ``data.language``. Equal input gives equal bytes."""
    t = texts(data.language)
    incidents = _ordered(data.incidents)

    def draw(pdf: ReportPDF) -> None:
        _cover(pdf, data, t, len(incidents))
        _summary(pdf, data, t, len(incidents))
        _people(pdf, data, t)
        _witnesses(pdf, data, t)
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
        running_header=" · ".join(x for x in (t["title"], _short(data.owner_name, 60)) if x),
        footer_template=t["page"],
    )
