"""How the desktop writes sizes, times and file kinds — one way everywhere, in her language and
in her time zone (chosen at first run; shown by city, never as ``Asia/Almaty``).

The zone is the vault's setting (``Desk.user_zone``): the controller calls :func:`use_zone` after
unlock, so the log, "added", the history and the overview all speak the same zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from defender_desk.i18n import N_, _, get_language, ngettext

__all__ = [
    "ZONE_CITIES",
    "date_format",
    "file_kind",
    "human_size",
    "is_text_type",
    "local",
    "local_time",
    "recorded_time",
    "use_zone",
    "zone_label",
]

_zone: ZoneInfo | None = None

#: Zones she may choose, by the city people know them by (Kazakhstan's first).
ZONE_CITIES: dict[str, str] = {
    "Asia/Almaty": N_("Almaty, Astana (Kazakhstan)"),
    "Asia/Aqtobe": N_("Aktobe (Kazakhstan)"),
    "Asia/Aqtau": N_("Aktau (Kazakhstan)"),
    "Asia/Atyrau": N_("Atyrau (Kazakhstan)"),
    "Asia/Oral": N_("Oral (Kazakhstan)"),
    "Asia/Qyzylorda": N_("Kyzylorda (Kazakhstan)"),
    "Asia/Qostanay": N_("Kostanay (Kazakhstan)"),
    "Asia/Bishkek": N_("Bishkek (Kyrgyzstan)"),
    "Asia/Tashkent": N_("Tashkent (Uzbekistan)"),
    "Europe/Moscow": N_("Moscow (Russia)"),
    "Europe/Berlin": N_("Berlin (Germany)"),
    "Europe/London": N_("London (United Kingdom)"),
    "UTC": N_("UTC (no time zone)"),
}

TEXT_TYPES = ("application/json", "application/xml", "application/x-sh", "application/csv")


def use_zone(name: str | None) -> None:
    """Show instants in this zone from now on (None: the computer's)."""
    global _zone
    try:
        _zone = ZoneInfo(name) if name else None
    except (ValueError, KeyError):
        _zone = None


def zone_label(name: str) -> str:
    """A zone by its city, translated; an unknown one by the last part of its name."""
    if name in ZONE_CITIES:
        return _(ZONE_CITIES[name])
    return name.rsplit("/", 1)[-1].replace("_", " ")


def local(moment: datetime) -> datetime:
    """An instant in her zone (a naive time is taken as already local)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(_zone) if _zone is not None else moment.astimezone()


def local_time(moment: datetime | None, *, seconds: bool = False) -> str:
    """``7.12.2026 22:06`` (or ``7 Dec 2026 22:06`` in English), in her zone; "—" for none."""
    if moment is None:
        return "—"
    moment = local(moment)
    if get_language() == "en":
        text = f"{moment.day} {_month_abbr(moment.month)} {moment.year} {moment:%H:%M}"
    else:
        text = f"{moment:%d.%m.%Y %H:%M}"
    return text + (f":{moment:%S}" if seconds else "")


def recorded_time(text: str) -> str:
    """A history ``recorded_at`` (UTC, ``…Z``) in her zone, to the second."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return local_time(moment, seconds=True)


def _month_abbr(month: int) -> str:
    return ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[
        month - 1
    ]


def human_size(size: int) -> str:
    """``1,5 МБ`` — her language's units and decimal sign (never ``KiB``)."""
    if size < 1024:
        return ngettext("{n} byte", "{n} bytes", size).format(n=size)
    value = float(size)
    for unit in (N_("{n} KB"), N_("{n} MB"), N_("{n} GB"), N_("{n} TB")):
        value /= 1024
        if value < 1024 or unit == "{n} TB":
            number = f"{value:.1f}"
            if get_language() in ("ru", "kk"):
                number = number.replace(".", ",")
            return _(unit).format(n=number)
    return str(size)  # pragma: no cover - unreachable


def is_text_type(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type in TEXT_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


def file_kind(media_type: str) -> str:
    """What a file is, in words ("Photo or picture", "PDF document") — never a MIME type."""
    if media_type.startswith("image/"):
        return _("Photo or picture")
    if media_type == "application/pdf":
        return _("PDF document")
    if media_type.startswith("audio/"):
        return _("Sound recording")
    if media_type.startswith("video/"):
        return _("Video")
    if is_text_type(media_type):
        return _("Text")
    if "word" in media_type or "opendocument.text" in media_type:
        return _("Text document")
    if "sheet" in media_type or "excel" in media_type:
        return _("Spreadsheet")
    if media_type in ("application/zip", "application/x-7z-compressed", "application/x-rar"):
        return _("Archive")
    return _("Other file")


def date_format(with_time: bool) -> str:
    fmt = "d MMM yyyy" if get_language() == "en" else "dd.MM.yyyy"
    return fmt + " HH:mm" if with_time else fmt
