"""The overview's timeline: incidents per month as stacked bars coloured by the kind of actor.

Two parts:

- :func:`month_buckets` — pure: incidents and people in, a :class:`Timeline` out (no Qt, no
  facade), so the counting rules are tested on their own.
- :class:`TimelineChart` — a ``QWidget`` that paints a :class:`Timeline` with ``QPainter``: axes,
  localised month abbreviations (Babel), a legend of the kinds present, a tooltip per bar.
  Keyboard: it takes focus; Left/Right move between months, Home/End to the first/last month,
  Page Up/Page Down to the previous/next month with incidents, Enter or Space opens the month.
  A click (or Enter) on a month with incidents emits :attr:`TimelineChart.month_activated`.

Counting rules (the chart shows what is known, never more):

- An incident whose date is known to the month or better (month, day, exact time) counts once,
  in the month it started (an end date does not spread it over later months).
- Incidents known only to the year or approximately ("2017", "about 2021") are not put in any
  month: they are listed in :attr:`Timeline.uncertain` for a separate "date uncertain" note.
- Each incident counts once, in the colour of the first actor listed who has an institution
  kind; actors with no institution make it "a person (no institution)", no actor at all makes
  it "no actor recorded". The bar height is therefore the number of incidents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from babel.dates import get_month_names
from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from defender_desk.domain.dates import FuzzyDate, Precision
from defender_desk.domain.models import INSTITUTION_LABELS, Incident, InstitutionKind, Person
from defender_desk.i18n import N_, _, get_language, ngettext

__all__ = [
    "KIND_COLOURS",
    "KIND_LABELS",
    "KIND_ORDER",
    "MonthBucket",
    "Timeline",
    "TimelineChart",
    "actor_kind",
    "month_buckets",
]

#: Kind keys: the institution kinds, then two of our own.
PERSON = "person"
NO_ACTOR = "none"
KIND_ORDER: tuple[str, ...] = (*(k.value for k in InstitutionKind), PERSON, NO_ACTOR)
KIND_LABELS: dict[str, str] = {
    **{k.value: INSTITUTION_LABELS[k] for k in InstitutionKind},
    PERSON: N_("A person (no institution)"),
    NO_ACTOR: N_("No actor recorded"),
}
# Okabe–Ito's colour-blind-safe set first, then distinct darker tones; greys for the unknowns.
KIND_COLOURS: dict[str, str] = {
    InstitutionKind.LOCAL_ADMINISTRATION.value: "#E69F00",
    InstitutionKind.POLICE.value: "#0072B2",
    InstitutionKind.PROSECUTOR.value: "#CC79A7",
    InstitutionKind.COURT.value: "#56B4E9",
    InstitutionKind.BAILIFF.value: "#D55E00",
    InstitutionKind.BANK.value: "#009E73",
    InstitutionKind.COLLECTION_AGENCY.value: "#B59F00",
    InstitutionKind.EMPLOYER.value: "#8C564B",
    InstitutionKind.SECURITY_SERVICE.value: "#6A3D9A",
    InstitutionKind.UNKNOWN.value: "#6B7280",
    PERSON: "#9CA34A",
    NO_ACTOR: "#C4C8CE",
}
MIN_MONTHS = 12  # a short range is padded (earlier months) so one incident is not one wall


# -- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthBucket:
    year: int
    month: int
    #: kind key -> number of incidents, in :data:`KIND_ORDER` order, zero counts left out
    counts: dict[str, int] = field(default_factory=dict)
    incident_ids: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.incident_ids)


@dataclass(frozen=True)
class Timeline:
    #: every month from the first to the last one with incidents (at least :data:`MIN_MONTHS`)
    months: list[MonthBucket]
    #: incidents known only to the year or approximately: (incident id, its date)
    uncertain: list[tuple[str, FuzzyDate]]

    @property
    def kinds(self) -> list[str]:
        """The kinds that appear, in :data:`KIND_ORDER` order (for the legend)."""
        seen = {k for m in self.months for k in m.counts}
        return [k for k in KIND_ORDER if k in seen]

    @property
    def highest(self) -> int:
        return max((m.total for m in self.months), default=0)

    @property
    def dated(self) -> int:
        return sum(m.total for m in self.months)

    def index_of(self, year: int, month: int) -> int | None:
        for i, m in enumerate(self.months):
            if (m.year, m.month) == (year, month):
                return i
        return None


def actor_kind(incident: Incident, people: Mapping[str, Person]) -> str:
    """The kind key an incident is counted under (see the module's counting rules)."""
    for pid in incident.actor_ids:
        person = people.get(pid)
        if person is not None and person.institution is not None:
            return person.institution.value
    return PERSON if incident.actor_ids else NO_ACTOR


def _next(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _back(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - n
    return index // 12, index % 12 + 1


def month_buckets(incidents: Iterable[Incident], people: Iterable[Person]) -> Timeline:
    """Count ``incidents`` per month and kind of actor. Pure; see the module's rules."""
    by_id = {p.id: p for p in people}
    cells: dict[tuple[int, int], dict[str, list[str]]] = {}
    uncertain: list[tuple[str, FuzzyDate]] = []
    for incident in incidents:
        when = incident.happened
        if when.precision in (Precision.YEAR, Precision.APPROXIMATE) or when.month is None:
            uncertain.append((incident.id, when))
            continue
        kinds = cells.setdefault((when.year, when.month), {})
        kinds.setdefault(actor_kind(incident, by_id), []).append(incident.id)
    uncertain.sort(key=lambda item: (item[1].sort_key(), item[0]))
    if not cells:
        return Timeline([], uncertain)
    first, last = min(cells), max(cells)
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if span < MIN_MONTHS:
        first = _back(*first, MIN_MONTHS - span)
    months: list[MonthBucket] = []
    ym = first
    while ym <= last:
        kinds = cells.get(ym, {})
        ordered = [k for k in KIND_ORDER if k in kinds]
        months.append(
            MonthBucket(
                ym[0],
                ym[1],
                {k: len(kinds[k]) for k in ordered},
                tuple(i for k in ordered for i in kinds[k]),
            )
        )
        ym = _next(*ym)
    return Timeline(months, uncertain)


# -- texts --------------------------------------------------------------------------------------

_BABEL_LOCALE = {"en": "en_GB", "ru": "ru", "kk": "kk"}


def month_abbreviations(lang: str | None = None) -> list[str]:
    """Stand-alone month abbreviations in ``lang`` (CLDR through Babel), January first."""
    loc = _BABEL_LOCALE.get(lang or get_language(), "en_GB")
    names = get_month_names("abbreviated", context="stand-alone", locale=loc)
    return [str(names[m]) for m in range(1, 13)]


def month_name(bucket: MonthBucket, lang: str | None = None) -> str:
    """ "March 2022", «март 2022 г.», "2022 ж. наурыз"."""
    return FuzzyDate.in_month(bucket.year, bucket.month).render(lang or get_language())


def describe_month(bucket: MonthBucket, lang: str | None = None) -> str:
    """One line for the tooltip and screen readers: month, total, the counts by kind."""
    head = ngettext("{month}: {n} incident", "{month}: {n} incidents", bucket.total).format(
        month=month_name(bucket, lang), n=bucket.total
    )
    if not bucket.counts:
        return head
    parts = [f"{_(KIND_LABELS[k])}: {n}" for k, n in bucket.counts.items()]
    return head + " — " + "; ".join(parts)


# -- the chart ----------------------------------------------------------------------------------


def _nice_step(highest: int) -> int:
    """A step for the count axis giving at most five gridlines above zero."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if highest / step <= 5:
            return step
    return max(1, highest // 5)


class TimelineChart(QWidget):
    """Paints a :class:`Timeline` (give it with :meth:`set_timeline`). No facade calls here."""

    #: (year, month) of a month with incidents, clicked or chosen with Enter
    month_activated = Signal(int, int)
    #: the month under the keyboard cursor changed; carries :func:`describe_month`'s text
    current_changed = Signal(str)

    PAD = 8
    LEGEND_SWATCH = 12

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = Timeline([], [])
        self.current: int | None = None
        self.hovered: int | None = None
        self._legend_rows: list[list[tuple[str, int]]] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(220)
        self.retranslate()

    # -- data -----------------------------------------------------------------------------
    def set_timeline(self, timeline: Timeline) -> None:
        keep = self.month_at_index(self.current)
        self.timeline = timeline
        self.current = None
        if keep is not None:
            self.current = timeline.index_of(keep.year, keep.month)
        self.hovered = None
        self._layout_legend()
        self.retranslate()
        self.update()

    def month_at_index(self, index: int | None) -> MonthBucket | None:
        if index is None or not 0 <= index < len(self.timeline.months):
            return None
        return self.timeline.months[index]

    def retranslate(self) -> None:
        self.setAccessibleName(_("Timeline: incidents per month, by kind of actor"))
        self.setToolTip("")
        self._layout_legend()
        self._announce()
        self.update()

    # -- geometry -----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(720, self._wanted_height(720))

    def minimumSizeHint(self) -> QSize:
        return QSize(320, self._wanted_height(max(self.width(), 320)))

    def _wanted_height(self, width: int) -> int:
        line = self.fontMetrics().height()
        rows = max(1, len(self._rows_for(width)))
        return 200 + 2 * line + rows * (line + 4) + 3 * self.PAD

    def _axis_width(self) -> int:
        fm = self.fontMetrics()
        return fm.horizontalAdvance(str(max(self.timeline.highest, 10))) + 2 * self.PAD

    def _legend_height(self) -> int:
        line = self.fontMetrics().height()
        return max(1, len(self._legend_rows)) * (line + 4)

    def plot_rect(self) -> QRect:
        """The area the bars are drawn in (above the month labels and the legend)."""
        line = self.fontMetrics().height()
        left = self._axis_width()
        top = self.PAD + line // 2
        bottom = self.height() - self.PAD - self._legend_height() - self.PAD - 2 * line - 6
        return QRect(left, top, max(10, self.width() - left - self.PAD), max(10, bottom - top))

    def slot_width(self) -> float:
        n = len(self.timeline.months)
        return self.plot_rect().width() / n if n else 0.0

    def slot_rect(self, index: int) -> QRectF:
        plot = self.plot_rect()
        w = self.slot_width()
        return QRectF(plot.left() + index * w, plot.top(), w, plot.height())

    def index_at(self, pos: QPoint) -> int | None:
        plot = self.plot_rect()
        n = len(self.timeline.months)
        line = self.fontMetrics().height()
        if not n or not plot.left() <= pos.x() < plot.right() + 1:
            return None
        if not plot.top() <= pos.y() <= plot.bottom() + 2 * line + 6:
            return None
        index = int((pos.x() - plot.left()) / self.slot_width())
        return min(max(index, 0), n - 1)

    def _rows_for(self, width: int) -> list[list[tuple[str, int]]]:
        fm = self.fontMetrics()
        rows: list[list[tuple[str, int]]] = [[]]
        x = self.PAD
        for kind in self.timeline.kinds:
            w = self.LEGEND_SWATCH + 6 + fm.horizontalAdvance(_(KIND_LABELS[kind])) + 18
            if rows[-1] and x + w > width - self.PAD:
                rows.append([])
                x = self.PAD
            rows[-1].append((kind, w))
            x += w
        return rows if rows[0] else []

    def _layout_legend(self) -> None:
        rows = self._rows_for(max(self.width(), 320))
        if rows != self._legend_rows:
            self._legend_rows = rows
            self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout_legend()
        super().resizeEvent(event)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._wanted_height(width)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        faint = QColor(text)
        faint.setAlpha(40)
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        fm = p.fontMetrics()
        plot = self.plot_rect()
        months = self.timeline.months
        if not months:
            p.setPen(text)
            p.drawText(
                self.rect().adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                _("No incident has a date known to the month yet."),
            )
            self._paint_focus(p, None)
            p.end()
            return

        # count axis and gridlines
        highest = max(self.timeline.highest, 1)
        step = _nice_step(highest)
        top_value = ((highest + step - 1) // step) * step
        scale = plot.height() / top_value
        for value in range(0, top_value + 1, step):
            y = plot.bottom() - round(value * scale)
            p.setPen(QPen(faint if value else text, 1))
            p.drawLine(plot.left(), y, plot.right(), y)
            p.setPen(text)
            label = str(value)
            p.drawText(
                QRect(0, y - fm.height() // 2, plot.left() - 6, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )

        # bars
        w = self.slot_width()
        gap = min(4.0, w * 0.25) if w > 3 else 0.0
        for i, bucket in enumerate(months):
            slot = self.slot_rect(i)
            if i == self.hovered or (i == self.current and self.hasFocus()):
                highlight = QColor(pal.color(QPalette.ColorRole.Highlight))
                highlight.setAlpha(45)
                p.fillRect(slot, highlight)
            base = float(plot.bottom())
            for kind, n in bucket.counts.items():
                h = n * scale
                rect = QRectF(slot.left() + gap / 2, base - h, max(1.0, w - gap), h)
                p.fillRect(rect, QColor(KIND_COLOURS[kind]))
                if w - gap >= 4 and h >= 3:  # a thin light line between stacked kinds
                    p.setPen(QPen(pal.color(QPalette.ColorRole.Base), 1))
                    p.drawLine(rect.topLeft(), rect.topRight())
                base -= h

        self._paint_month_labels(p, plot, text)
        self._paint_legend(p, text)
        self._paint_focus(p, plot)
        p.end()

    def _paint_month_labels(self, p: QPainter, plot: QRect, text: QColor) -> None:
        """Month abbreviations where they fit (every month, or every 2nd, 3rd or 6th), and the
        year under the tick where each year starts."""
        months = self.timeline.months
        regular = QFont(p.font())
        bold = QFont(regular)
        bold.setBold(True)
        fm, bfm = QFontMetrics(regular), QFontMetrics(bold)
        w = self.slot_width()
        abbreviations = month_abbreviations()
        widest = max(fm.horizontalAdvance(a) for a in abbreviations) + 6
        every = next((n for n in (1, 2, 3, 6) if w * n >= widest), 0)
        y_month = plot.bottom() + 5
        y_year = y_month + (fm.height() if every else 0)
        year_right = -1000
        p.setPen(text)
        for i, bucket in enumerate(months):
            slot = self.slot_rect(i)
            starts_year = bucket.month == 1 or i == 0
            if starts_year:
                x = round(slot.left())
                p.drawLine(x, plot.bottom(), x, plot.bottom() + 4)
            if every and (bucket.month - 1) % every == 0:
                p.setFont(regular)
                box = QRectF(slot.center().x() - widest / 2, y_month, widest, fm.height())
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, abbreviations[bucket.month - 1])
            if starts_year:
                label = str(bucket.year)
                tw = bfm.horizontalAdvance(label)
                x = min(round(slot.left()) + 2, self.width() - tw - 1)
                if x >= year_right + 8:
                    p.setFont(bold)
                    p.drawText(
                        QRect(x, y_year, tw + 2, bfm.height()), Qt.AlignmentFlag.AlignLeft, label
                    )
                    year_right = x + tw
        p.setFont(regular)

    def _paint_legend(self, p: QPainter, text: QColor) -> None:
        fm = p.fontMetrics()
        line = fm.height() + 4
        y = self.height() - self.PAD - self._legend_height()
        for row in self._legend_rows:
            x = self.PAD
            for kind, w in row:
                swatch = QRect(
                    x, y + (line - self.LEGEND_SWATCH) // 2, self.LEGEND_SWATCH, self.LEGEND_SWATCH
                )
                p.fillRect(swatch, QColor(KIND_COLOURS[kind]))
                p.setPen(text)
                p.drawText(
                    QRect(x + self.LEGEND_SWATCH + 6, y, w, line),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    _(KIND_LABELS[kind]),
                )
                x += w
            y += line

    def _paint_focus(self, p: QPainter, plot: QRect | None) -> None:
        if not self.hasFocus():
            return
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if plot is not None and self.current is not None:
            p.drawRect(self.slot_rect(self.current).adjusted(1, 1, -1, -1))
        else:
            p.drawRect(self.rect().adjusted(1, 1, -1, -1))

    # -- interaction --------------------------------------------------------------------------
    def set_current(self, index: int | None) -> None:
        n = len(self.timeline.months)
        if index is not None and n:
            index = min(max(index, 0), n - 1)
        elif not n:
            index = None
        if index != self.current:
            self.current = index
            self._announce()
            self.update()

    def _announce(self) -> None:
        bucket = self.month_at_index(self.current)
        text = describe_month(bucket) if bucket is not None else ""
        self.setAccessibleDescription(text)
        self.current_changed.emit(text)

    def activate(self, index: int | None) -> bool:
        """Open the month at ``index`` if it has incidents; True if it did."""
        bucket = self.month_at_index(index)
        if bucket is None or not bucket.total:
            return False
        self.month_activated.emit(bucket.year, bucket.month)
        return True

    def _with_incidents(self, start: int, step: int) -> int | None:
        i = start + step
        while 0 <= i < len(self.timeline.months):
            if self.timeline.months[i].total:
                return i
            i += step
        return None

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.current is None and self.timeline.months:
            last = self._with_incidents(len(self.timeline.months), -1)
            self.set_current(last if last is not None else len(self.timeline.months) - 1)
        else:
            self._announce()
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        n = len(self.timeline.months)
        cur = self.current if self.current is not None else n - 1
        if n and key == Qt.Key.Key_Left:
            self.set_current(cur - 1)
        elif n and key == Qt.Key.Key_Right:
            self.set_current(cur + 1)
        elif n and key == Qt.Key.Key_Home:
            self.set_current(0)
        elif n and key == Qt.Key.Key_End:
            self.set_current(n - 1)
        elif n and key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            found = self._with_incidents(cur, -1 if key == Qt.Key.Key_PageUp else 1)
            if found is not None:
                self.set_current(found)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate(self.current)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position().toPoint())
        if index != self.hovered:
            self.hovered = index
            self.setCursor(
                Qt.CursorShape.PointingHandCursor
                if (b := self.month_at_index(index)) is not None and b.total
                else Qt.CursorShape.ArrowCursor
            )
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.hovered = None
        self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.index_at(event.position().toPoint())
            if index is not None:
                self.set_current(index)
                self.activate(index)
                event.accept()
                return
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            bucket = self.month_at_index(self.index_at(event.pos()))
            if bucket is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_text(bucket), self)
            return True
        return super().event(event)

    def tooltip_text(self, bucket: MonthBucket) -> str:
        text = describe_month(bucket)
        if bucket.total:
            text += "\n" + _("Click or press Enter to see them in the list.")
        return text

    def bar_centre(self, year: int, month: int) -> QPoint:
        """The centre of a month's slot (tests click there)."""
        index = self.timeline.index_of(year, month)
        if index is None:
            raise KeyError((year, month))
        return self.slot_rect(index).center().toPoint()
