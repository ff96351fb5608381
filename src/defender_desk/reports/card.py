"""The emergency card (issue 9.3): ONE printed A4 page for a relative or helper on the night
someone is detained.

It carries what is needed to ask for the person — their details, the lawyer's numbers, the places
to ask (police departments, hospitals) as a checklist with room for the answer — and the first
steps, marked as general guidance to review with a lawyer. It carries **no incident details**:
:class:`CardInput` has no field for them. The page always fits: type shrinks, then places beyond
what fits are left out with "+N more in the app".

:func:`render_card` returns bytes and writes nothing; the caller shows them, and writes a file
only on explicit request.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date

from defender_desk.errors import N_, InvalidInput
from defender_desk.reports.pdf import (
    GREY_TEXT,
    HEADING_FILL,
    RULE_GREY,
    ReportPDF,
    open_pdf,
)

__all__ = [
    "CardContact",
    "CardInput",
    "CardPerson",
    "CardPlace",
    "default_first_steps",
    "render_card",
    "with_label",
]


@dataclass(frozen=True, slots=True)
class CardPerson:
    """The detained person, as needed for inquiries (no photo)."""

    full_name: str
    date_of_birth: str = ""
    id_number: str = ""  # IIN (ИИН / ЖСН)
    phone: str = ""
    details: str = ""  # distinguishing details, free text (clothes, height, phone case…)


@dataclass(frozen=True, slots=True)
class CardContact:
    """A lawyer or helper to call; ``role`` is a display label (e.g. "адвокат")."""

    name: str
    role: str = ""
    phones: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class CardPlace:
    """A place to ask: a police department or a hospital; ``kind`` is a display label."""

    name: str
    kind: str = ""
    phones: Sequence[str] = ()
    address: str = ""


@dataclass(frozen=True, slots=True)
class CardInput:
    """What the card prints. ``steps`` None means the shipped first steps in ``language``; the
    app passes her edited list otherwise."""

    language: str
    created_at: datetime
    person: CardPerson
    contacts: Sequence[CardContact] = ()
    places: Sequence[CardPlace] = ()
    steps: Sequence[str] | None = None


_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "meta_title": "Checklist",
        "title": "If someone is detained",
        "subtitle": (
            "Go step by step. Tick each place after you ask, and write down the answer, "
            "the time and the officer's name or badge number."
        ),
        "person": "Person we are looking for",
        "dob": "Date of birth",
        "id_number": "IIN",
        "phone": "Phone",
        "details": "Distinguishing details",
        "contacts": "Lawyer and helpers",
        "no_contacts": (
            "No lawyer's number in the app yet: add it there. Until then, write it here:"
        ),
        "steps": "First steps",
        "disclaimer": "General guidance to review with your lawyer in advance — not legal advice.",
        "places": "Places to ask",
        "no_places": (
            "No places added yet. In the app, add the district police departments and the "
            "hospitals of your area, with their phone numbers and addresses. "
            "Until then, write them here:"
        ),
        "time": "Time:",
        "answer": "Answer, officer:",
        "more": "+{n} more in the app",
        "prepared": "Prepared on {date}",
    },
    "ru": {
        "meta_title": "Памятка",
        "title": "Если человека задержали",
        "subtitle": (
            "Действуйте по шагам. Ставьте галочку у каждого места, куда обратились, и "
            "записывайте ответ, время и имя или номер жетона сотрудника."
        ),
        "person": "Кого ищем",
        "dob": "Дата рождения",
        "id_number": "ИИН",
        "phone": "Телефон",
        "details": "Приметы",
        "contacts": "Адвокат и помощники",
        "no_contacts": (
            "В приложении ещё нет номера адвоката: добавьте его туда. А пока впишите сюда:"
        ),
        "steps": "Первые шаги",
        "disclaimer": (
            "Общие рекомендации: обсудите их заранее со своим адвокатом. "
            "Это не юридическая консультация."
        ),
        "places": "Куда обращаться",
        "no_places": (
            "Места ещё не добавлены. Добавьте в приложении районные отделы полиции (РОВД) и "
            "больницы вашего района с телефонами и адресами. А пока впишите их сюда:"
        ),
        "time": "Время:",
        "answer": "Ответ, сотрудник:",
        "more": "ещё {n} — в приложении",
        "prepared": "Подготовлено {date}",
    },
    "kk": {
        "meta_title": "Жадынама",
        "title": "Адам ұсталса",
        "subtitle": (
            "Қадам бойынша әрекет етіңіз. Хабарласқан әр орынды белгілеп, жауапты, уақытты "
            "және қызметкердің аты-жөнін немесе төсбелгі нөмірін жазып алыңыз."
        ),
        "person": "Кімді іздейміз",
        "dob": "Туған күні",
        "id_number": "ЖСН",
        "phone": "Телефоны",
        "details": "Ерекше белгілері",
        "contacts": "Адвокат және көмектесетін адамдар",
        "no_contacts": (
            "Қолданбада әлі адвокаттың нөмірі жоқ: оны қолданбаға қосыңыз. Әзірге осында жазыңыз:"
        ),
        "steps": "Алғашқы қадамдар",
        "disclaimer": (
            "Жалпы ұсыныстар: оларды адвокатыңызбен алдын ала талқылаңыз. Бұл заңгерлік кеңес емес."
        ),
        "places": "Қайда хабарласу керек",
        "no_places": (
            "Орындар әлі қосылмаған. Қолданбаға өз ауданыңыздағы полиция бөлімдері мен "
            "ауруханаларды телефондары және мекенжайларымен қосыңыз. Әзірге осында жазыңыз:"
        ),
        "time": "Уақыты:",
        "answer": "Жауабы, қызметкер:",
        "more": "тағы {n} — қолданбада",
        "prepared": "Дайындалған күні: {date}",
    },
}

_FIRST_STEPS: dict[str, tuple[str, ...]] = {
    "en": (
        "Call the lawyer: say who was detained, when and where.",
        "Ask each police station on the list whether the person is held there.",
        "Ask that the person be allowed a phone call and a lawyer.",
        "Write down names and badge numbers, times, and what was said.",
        "Keep every message received from the person's phone; delete nothing.",
        "Afterwards, ask for a medical examination.",
    ),
    "ru": (
        "Позвоните адвокату: кого задержали, когда и где.",
        "Спросите в каждом отделе полиции из списка, не находится ли человек у них.",
        "Требуйте, чтобы человеку дали позвонить и допустили к нему адвоката.",
        "Записывайте имена и номера жетонов, время и что было сказано.",
        "Сохраняйте все сообщения, пришедшие с телефона человека; ничего не удаляйте.",
        "После освобождения попросите провести медицинское освидетельствование.",
    ),
    "kk": (
        "Адвокатқа хабарласыңыз: кім, қашан және қай жерде ұсталды.",
        "Тізімдегі әр полиция бөлімінен адамның сонда ұсталып отырғанын сұраңыз.",
        "Адамға телефон соғуға және адвокат шақыруға мүмкіндік берілуін талап етіңіз.",
        "Аты-жөндерді, төсбелгі нөмірлерін, уақытты және не айтылғанын жазып алыңыз.",
        "Адамның телефонынан келген барлық хабарламаны сақтаңыз, ештеңені өшірмеңіз.",
        "Босатылғаннан кейін медициналық куәландырудан өтуді сұраңыз.",
    ),
}

# Sizes shrink through these factors before any place is left out.
_SCALES = (1.0, 0.93, 0.86, 0.8)  # below 0.8 the type is no longer "large and clear"
# Only for absurd input (pages of text in a name or a step): every part of the card is capped in
# lines, so at the last of these the card fits whatever it is given.
_LAST_RESORT_SCALES = (0.72, 0.64, 0.56, 0.5)
_MAX_CONTACTS = 3
_MAX_STEPS = 10
_MARGIN = 13.0
_BOTTOM_LIMIT = 297.0 - 17.0  # the "prepared on" line sits below this


def _texts(language: str) -> Mapping[str, str]:
    try:
        return _TEXTS[language]
    except KeyError:
        raise InvalidInput(field="language", reason=N_("unsupported report language")) from None


def default_first_steps(language: str) -> tuple[str, ...]:
    """The shipped first steps in ``language`` (general guidance, not legal advice)."""
    _texts(language)
    return _FIRST_STEPS[language]


# -- drawing ----------------------------------------------------------------------------------


class _Card:
    """Draws the card at one scale; ``draw`` returns the lowest y reached."""

    def __init__(self, pdf: ReportPDF, data: CardInput, scale: float, shown: int) -> None:
        self.pdf = pdf
        self.data = data
        self.t = _texts(data.language)
        self.s = scale
        self.shown = shown

    def lh(self, size: float) -> float:
        return size * 0.43

    def text(
        self,
        text: str,
        size: float,
        *,
        style: str = "",
        color: tuple[int, int, int] = (0, 0, 0),
        x: float | None = None,
        width: float | None = None,
        max_lines: int = 4,
    ) -> None:
        pdf = self.pdf
        x = pdf.l_margin if x is None else x
        width = pdf.epw if width is None else width
        pdf.use(size, style=style)
        lines = pdf.clip_lines(pdf.wrap(pdf.clean(text, single_line=True), width), max_lines, width)
        pdf.set_text_color(*color)
        pdf.draw_lines(lines, x=x, width=width, line_h=self.lh(size), breakable=False)
        pdf.set_text_color(0, 0, 0)

    def section(self, label: str) -> None:
        pdf = self.pdf
        pdf.ln(3.2 * self.s)
        size = 11.5 * self.s
        pdf.use(size, style="B")
        pdf.set_fill_color(*HEADING_FILL)
        pdf.set_x(pdf.l_margin)
        pdf.cell(
            pdf.epw, size * 0.55, pdf.clean(label, single_line=True), fill=True,
            new_x="LMARGIN", new_y="NEXT",
        )  # fmt: skip
        pdf.ln(1.6 * self.s)

    def box(self, x: float, y: float, size: float) -> None:
        pdf = self.pdf
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.35)
        pdf.rect(x, y, size, size)

    def write_line(self, x: float, y: float, width: float) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*RULE_GREY)
        pdf.set_line_width(0.25)
        pdf.line(x, y, x + width, y)

    def draw(self) -> float:
        pdf, t, s = self.pdf, self.t, self.s
        pdf.set_xy(pdf.l_margin, pdf.t_margin)
        self.text(t["title"], 21 * s, style="B", max_lines=2)
        pdf.ln(1 * s)
        self.text(t["subtitle"], 10 * s, color=GREY_TEXT, max_lines=3)
        self._person()
        self._contacts()
        self._steps()
        self._places()
        return float(pdf.y)

    def _person(self) -> None:
        pdf, t, s, p = self.pdf, self.t, self.s, self.data.person
        self.section(t["person"])
        self.text(p.full_name or "—", 17 * s, style="B", max_lines=2)
        pdf.ln(1 * s)
        pairs = [(t["dob"], p.date_of_birth), (t["id_number"], p.id_number), (t["phone"], p.phone)]
        inline = "  ·  ".join(_keep(f"{label}: {value}") for label, value in pairs if value.strip())
        if inline:
            self.text(inline, 12 * s, max_lines=2)
        if p.details:
            pdf.ln(0.8 * s)
            self.text(f"{t['details']}: {p.details}", 10.5 * s, max_lines=3)

    def _contacts(self) -> None:
        pdf, t, s = self.pdf, self.t, self.s
        self.section(t["contacts"])
        contacts = list(self.data.contacts)
        if not contacts:
            self.text(t["no_contacts"], 11 * s, max_lines=3)
            pdf.ln(9 * s)
            self.write_line(pdf.l_margin, pdf.y, pdf.epw)
            pdf.ln(1 * s)
            return
        for contact in contacts[:_MAX_CONTACTS]:
            name = with_label(contact.name, contact.role, " — {label}")
            self.text(name, 12.5 * s, max_lines=2)
            phones = "  ·  ".join(_keep(phone) for phone in contact.phones) or "—"
            self.text(phones, 16 * s, style="B", max_lines=2)
            pdf.ln(1.2 * s)
        if len(contacts) > _MAX_CONTACTS:
            self.text(t["more"].format(n=len(contacts) - _MAX_CONTACTS), 9.5 * s, color=GREY_TEXT)

    def _steps(self) -> None:
        pdf, t, s = self.pdf, self.t, self.s
        self.section(t["steps"])
        steps = [x for x in (self.data.steps or _FIRST_STEPS[self.data.language]) if x.strip()]
        size = 11.5 * s
        box = 3.6 * s
        pdf.use(size, style="B")
        number_w = max(6.5 * s, pdf.width_of(f"{min(len(steps), _MAX_STEPS)}.") + 2 * pdf.c_margin)
        indent = number_w + box + 3.2 * s
        for number, step in enumerate(steps[:_MAX_STEPS], start=1):
            top = pdf.y
            pdf.use(size, style="B")
            pdf.set_xy(pdf.l_margin, top)
            pdf.cell(number_w, self.lh(size), f"{number}.", align="R")
            self.box(pdf.l_margin + number_w + 1.2 * s, top + 0.6 * s, box)
            self.text(step, size, x=pdf.l_margin + indent, width=pdf.epw - indent, max_lines=3)
            pdf.ln(1.3 * s)
        if len(steps) > _MAX_STEPS:
            self.text(t["more"].format(n=len(steps) - _MAX_STEPS), 9.5 * s, color=GREY_TEXT)
        self.text(t["disclaimer"], 9.5 * s, style="B", color=GREY_TEXT, max_lines=2)

    def _places(self) -> None:
        pdf, t, s = self.pdf, self.t, self.s
        self.section(t["places"])
        places = list(self.data.places)
        if not places:
            self.text(t["no_places"], 11 * s, max_lines=4)
            for _ in range(4):
                pdf.ln(9 * s)
                self.box(pdf.l_margin + 0.5, pdf.y - 4.2 * s, 3.6 * s)
                self.write_line(pdf.l_margin + 6 * s, pdf.y, pdf.epw - 6 * s)
            pdf.ln(1 * s)
            return
        shown = places[: self.shown]
        columns = 2 if len(shown) > 3 else 1
        gap = 6.0
        width = (pdf.epw - gap * (columns - 1)) / columns
        for start in range(0, len(shown), columns):
            top = pdf.y
            bottom = top
            for col, place in enumerate(shown[start : start + columns]):
                pdf.set_xy(pdf.l_margin + col * (width + gap), top)
                bottom = max(bottom, self._place(place, pdf.l_margin + col * (width + gap), width))
            pdf.set_xy(pdf.l_margin, bottom + 2.2 * s)
        hidden = len(places) - len(shown)
        if hidden:
            self.text(t["more"].format(n=hidden), 10.5 * s, style="B", color=GREY_TEXT)

    def _place(self, place: CardPlace, x: float, width: float) -> float:
        pdf, t, s = self.pdf, self.t, self.s
        box = 4.2 * s
        inner_x = x + box + 2.5 * s
        inner_w = width - box - 2.5 * s
        top = pdf.y
        self.box(x + 0.3, top + 0.5 * s, box)
        name = place.name + (f" ({place.kind})" if place.kind else "")
        self.text(name, 11.5 * s, style="B", x=inner_x, width=inner_w, max_lines=2)
        if place.phones:
            phones = "  ·  ".join(_keep(phone) for phone in place.phones)
            self.text(phones, 12 * s, x=inner_x, width=inner_w, max_lines=2)
        if place.address:
            self.text(place.address, 9.5 * s, color=GREY_TEXT, x=inner_x, width=inner_w)
        # Room to write by hand: the time, then the answer and the officer's name.
        for label in (t["time"], t["answer"]):
            pdf.ln(max(7.5 * s, 6.8))
            pdf.use(8.5 * s)
            pdf.set_text_color(*GREY_TEXT)
            pdf.set_xy(inner_x, pdf.y - self.lh(8.5 * s))
            label_w = pdf.width_of(label) + 1.5
            pdf.cell(label_w, self.lh(8.5 * s), label)
            pdf.set_text_color(0, 0, 0)
            pdf.set_y(pdf.y + self.lh(8.5 * s))
            self.write_line(inner_x + label_w, pdf.y, inner_w - label_w)
        return float(pdf.y)


def with_label(name: str, label: str, template: str) -> str:
    """``name`` followed by its ``label`` (a role, a kind) — unless the name already says it:
    "Нурлан (адвокат)" with the role "адвокат" stays "Нурлан (адвокат)", never
    "Нурлан (адвокат) (адвокат)"."""
    label = " ".join(label.split())
    if not label or label.casefold() in " ".join(name.split()).casefold():
        return name
    return name + template.format(label=label)


def _keep(text: str) -> str:
    """``text`` (a phone number, a "label: value" pair) that a line break must not split."""
    return " ".join(text.split()).replace(" ", "\u00a0")


def _fits(pdf: ReportPDF, data: CardInput, scale: float, shown: int) -> bool:
    pdf.add_page()
    return _Card(pdf, data, scale, shown).draw() <= _BOTTOM_LIMIT


def _layout(trial: ReportPDF, data: CardInput, total: int) -> tuple[float, int]:
    """The largest scale at which every place fits; else, at the smallest comfortable scale, as
    many places as fit; else (only absurdly long names or steps) smaller type still."""
    for scale in _SCALES:
        if _fits(trial, data, scale, total):
            return scale, total
    scale = _SCALES[-1]
    low, high = 0, total
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(trial, data, scale, middle):
            low = middle
        else:
            high = middle - 1
    if _fits(trial, data, scale, low):
        return scale, low
    for scale in _LAST_RESORT_SCALES:
        if _fits(trial, data, scale, 0):
            return scale, 0
    return _LAST_RESORT_SCALES[-1], 0


def _footer(pdf: ReportPDF, data: CardInput) -> None:
    t = _texts(data.language)
    day = format_date(data.created_at.date(), format="long", locale=data.language)
    pdf.set_xy(pdf.l_margin, 297.0 - 12.0)
    pdf.use(8)
    pdf.set_text_color(*GREY_TEXT)
    pdf.cell(pdf.epw, 4, pdf.clean(t["prepared"].format(date=day)), align="L")
    pdf.set_text_color(0, 0, 0)


def _open(data: CardInput) -> contextlib.AbstractContextManager[ReportPDF]:
    return open_pdf(
        language=data.language,
        title=_texts(data.language)["meta_title"],
        created_at=data.created_at,
        margins=(_MARGIN, 12.0, _MARGIN, 12.0),
    )


def render_card(data: CardInput) -> bytes:
    """The card as a one-page PDF (bytes), in ``data.language``."""
    total = len(data.places)
    with _open(data) as trial:
        trial.set_auto_page_break(False)
        scale, shown = _layout(trial, data, total)
    with _open(data) as pdf:
        pdf.set_auto_page_break(False)
        pdf.add_page()
        _Card(pdf, data, scale, shown).draw()
        _footer(pdf, data)
        return bytes(pdf.output())
