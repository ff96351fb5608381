"""Generators of realistic chat exports — never real people's data.

The people and events come from the scenario (shared/seed/scenario.md): Сауле (herself), her
husband Ерлан, her daughter Айгерим; on 2022-03-14 at 21:30 the daughter was taken to the
district police and held all night; from 23:00 strange messages came from the daughter's
seized phone. Around 2021 an unknown number threatened the husband ("watch your wife if you
want to see her alive"). The unknown number is fictional (555).

Each generator writes what the phones write (see ``defender_desk.phone.whatsapp`` and
``.telegram``): WhatsApp on Android and iPhone in the Russian, Kazakh and English phone
locales, with and without media, as a bare ``.txt`` or inside the ``.zip`` the phone makes; and
Telegram Desktop's ``result.json`` with its media folders. Run as a script to write examples:
``python -m tests.phone.generators OUTDIR``.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

LRM = "\u200e"
NNBSP = "\u202f"
UNKNOWN = "+7 701 555 12 34"  # fictional
UNKNOWN_KEY = "tel:+77015551234"


@dataclass(frozen=True)
class Turn:
    at: datetime
    sender: str | None  # None: a system line
    text: str = ""
    media: str | None = None  # "photo" | "audio" | "document:<name>"


def daughter_night(lang: str = "ru") -> list[Turn]:
    """Сауле's chat with her daughter's number on the night of 2022-03-14."""
    d = datetime(2022, 3, 14, 20, 40, 12)
    if lang == "kk":
        return [
            Turn(d, "Айгерим", "Анашым, мен кітапханадан шықтым, үйге келе жатырмын"),
            Turn(
                d + timedelta(minutes=3), "Сауле", "Жақсы, абай бол. Ерлан сені аялдамадан күтеді"
            ),
            Turn(
                d + timedelta(hours=2, minutes=20),
                "Айгерим",
                "Анашым, менде бәрі жақсы.\nІздеме мені.\nПолицияға барма, өзім хабарласамын",
            ),
            Turn(
                d + timedelta(hours=2, minutes=21), "Сауле", "Айгерим, сен қайдасың? Телефонды ал!"
            ),
            Turn(d + timedelta(hours=2, minutes=24), "Айгерим", "", "photo"),
            Turn(
                d + timedelta(hours=2, minutes=26),
                "Айгерим",
                "Адвокатқа хабарласпа. Сен бәрін қиындатасың",
            ),
            Turn(
                d + timedelta(hours=2, minutes=30), "Сауле", "Бұл сен емессің. Қызым олай жазбайды"
            ),
            Turn(d + timedelta(hours=2, minutes=41), "Айгерим", "", "audio"),
        ]
    return [
        Turn(d, "Айгерим", "Мама, я вышла из библиотеки, иду домой"),
        Turn(
            d + timedelta(minutes=3), "Сауле", "Хорошо, осторожно. Ерлан встретит тебя на остановке"
        ),
        Turn(
            d + timedelta(hours=2, minutes=20),
            "Айгерим",
            "Мама, со мной всё в порядке.\nНе ищи меня.\nНе езди в отдел, я сама позвоню",
        ),
        Turn(d + timedelta(hours=2, minutes=21), "Сауле", "Айгерим, где ты? Возьми трубку!"),
        Turn(d + timedelta(hours=2, minutes=24), "Айгерим", "", "photo"),
        Turn(
            d + timedelta(hours=2, minutes=26),
            "Айгерим",
            "Не звони адвокату. Ты только всё испортишь",
        ),
        Turn(d + timedelta(hours=2, minutes=30), "Сауле", "Это пишешь не ты. Дочь так не пишет"),
        Turn(d + timedelta(hours=2, minutes=41), "Айгерим", "", "audio"),
    ]


def husband_threats(lang: str = "ru") -> list[Turn]:
    """Ерлан's chat with an unknown number, autumn 2021 (exported from his phone)."""
    d = datetime(2021, 10, 5, 22, 14, 3)
    if lang == "kk":
        texts = [
            "Әйеліңе айт, тоқтасын",
            "Әйеліңді бақыла, оны тірі көргің келсе",
            "Біз бәрін білеміз: қай жерде тұрасыңдар, балаң қай мектепте оқиды",
        ]
        reply = "Сіз кімсіз? Неге жазып отырсыз?"
    else:
        texts = [
            "Скажи жене, чтобы успокоилась",
            "Следи за женой, если хочешь увидеть её живой",
            "Мы всё знаем: где вы живёте, в какой школе учится ребёнок",
        ]
        reply = "Кто вы? Зачем вы пишете?"
    return [
        Turn(d, UNKNOWN, texts[0]),
        Turn(d + timedelta(minutes=1), "Ерлан", reply),
        Turn(d + timedelta(minutes=7), UNKNOWN, texts[1]),
        Turn(d + timedelta(days=2, minutes=3), UNKNOWN, texts[2]),
        Turn(d + timedelta(days=2, minutes=4), None, "blocked"),
    ]


def her_threat(lang: str = "ru") -> list[Turn]:
    """The same unknown number writing to Сауле herself, in 2022."""
    d = datetime(2022, 2, 1, 9, 2, 44)
    text = (
        "Сіз тыныш отырмасаңыз, отбасыңыз зардап шегеді"
        if lang == "kk"
        else "Не успокоитесь — пострадает семья"
    )
    return [Turn(d, UNKNOWN, text)]


# -- WhatsApp ----------------------------------------------------------------------------------

_NOTICE = {
    "ru": "Сообщения и звонки защищены сквозным шифрованием. Третьи лица, включая WhatsApp, "
    "не могут прочитать или прослушать их. Нажмите, чтобы узнать подробнее.",
    "kk": "Хабарлар мен қоңыраулар өтпелі шифрлаумен қорғалған. Осы чаттан тыс ешкім, тіпті "
    "WhatsApp те оларды оқи не тыңдай алмайды.",
    "en": "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more.",
}
_OMITTED_ANDROID = {"ru": "<Без медиафайлов>", "kk": "<Файл қосылған жоқ>", "en": "<Media omitted>"}
_ATTACHED_ANDROID = {"ru": "файл добавлен", "kk": "қосымша файл", "en": "file attached"}
_ATTACHED_IOS = {"ru": "прикреплено", "kk": "attached", "en": "attached"}
_OMITTED_IOS = {
    "ru": {"photo": "изображение отсутствует", "audio": "аудиофайл отсутствует"},
    "kk": {"photo": "image omitted", "audio": "audio omitted"},
    "en": {"photo": "image omitted", "audio": "audio omitted"},
}
_SYSTEM = {
    "ru": "Вы заблокировали этот контакт. Нажмите, чтобы разблокировать.",
    "kk": "Сіз бұл контактіні бұғаттадыңыз. Бұғаттан шығару үшін түртіңіз.",
    "en": "You blocked this contact. Tap to unblock.",
}


def _date(at: datetime, lang: str, *, seconds: bool, twelve: bool) -> str:
    if lang == "en":
        hour = at.hour % 12 or 12
        clock = f"{hour}:{at.minute:02d}" + (f":{at.second:02d}" if seconds else "")
        suffix = ("PM" if at.hour >= 12 else "AM") if twelve else ""
        if not twelve:
            clock = f"{at.hour:02d}:{at.minute:02d}" + (f":{at.second:02d}" if seconds else "")
            return f"{at.day:02d}/{at.month:02d}/{at.year}, {clock}"
        return f"{at.month}/{at.day}/{at.year % 100:02d}, {clock}{NNBSP}{suffix}"
    year = f"{at.year}" if lang == "ru" else f"{at.year % 100:02d}"
    clock = f"{at.hour:02d}:{at.minute:02d}" + (f":{at.second:02d}" if seconds else "")
    return f"{at.day:02d}.{at.month:02d}.{year}, {clock}"


def _media_name(turn: Turn, n: int, ios: bool) -> str:
    kind = turn.media or ""
    stamp = turn.at.strftime("%Y-%m-%d-%H-%M-%S")
    if ios:
        label = {"photo": "PHOTO", "audio": "AUDIO"}.get(kind, "FILE")
        ext = {"photo": "jpg", "audio": "opus"}.get(kind, "pdf")
        return f"{n:08d}-{label}-{stamp}.{ext}"
    prefix = {"photo": "IMG", "audio": "PTT"}.get(kind, "DOC")
    ext = {"photo": "jpg", "audio": "opus"}.get(kind, "pdf")
    return f"{prefix}-{turn.at:%Y%m%d}-WA{n:04d}.{ext}"


def whatsapp_android(
    turns: list[Turn], lang: str = "ru", *, media: bool = False, twelve: bool = False
) -> tuple[bytes, list[str]]:
    """An Android export: (the .txt bytes, names of the media files it mentions)."""
    lines: list[str] = []
    names: list[str] = []
    first = turns[0].at - timedelta(minutes=5)
    lines.append(f"{_date(first, lang, seconds=False, twelve=twelve)} - {_NOTICE[lang]}")
    for n, t in enumerate(turns):
        stamp = _date(t.at, lang, seconds=False, twelve=twelve)
        if t.sender is None:
            lines.append(f"{stamp} - {_SYSTEM[lang]}")
            continue
        if t.media:
            if media:
                name = _media_name(t, n, ios=False)
                names.append(name)
                body = f"{LRM}{name} ({_ATTACHED_ANDROID[lang]})"
            else:
                body = _OMITTED_ANDROID[lang]
            if t.text:
                body += "\n" + t.text
        else:
            body = t.text
        lines.append(f"{stamp} - {t.sender}: {body}")
    return ("\n".join(lines) + "\n").encode("utf-8"), names


def whatsapp_ios(
    turns: list[Turn],
    chat_name: str,
    lang: str = "ru",
    *,
    media: bool = False,
    twelve: bool = False,
) -> tuple[bytes, list[str]]:
    """An iPhone export (``_chat.txt``): CRLF after each message, LF inside one."""
    out: list[str] = []
    names: list[str] = []
    first = turns[0].at - timedelta(minutes=5)
    out.append(
        f"[{_date(first, lang, seconds=True, twelve=twelve)}] {chat_name}: {LRM}{_NOTICE[lang]}"
    )
    for n, t in enumerate(turns):
        stamp = f"[{_date(t.at, lang, seconds=True, twelve=twelve)}]"
        if t.sender is None:
            out.append(f"{stamp} {chat_name}: {LRM}{_SYSTEM[lang]}")
            continue
        if t.media:
            if media:
                name = _media_name(t, n + 12, ios=True)
                names.append(name)
                body = f"{LRM}<{_ATTACHED_IOS[lang]}: {name}>"
            else:
                body = LRM + _OMITTED_IOS[lang][t.media]
            out.append(f"{LRM}{stamp} {t.sender}: {body}")
        else:
            out.append(f"{stamp} {t.sender}: {t.text}")
    return ("\r\n".join(out) + "\r\n").encode("utf-8"), names


def fake_media(name: str) -> bytes:
    """Bytes for a media file in an export (a real small JPEG for photos)."""
    if name.endswith(".jpg"):
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (64, 48), (90, 120, 160)).save(buf, "JPEG")
        return buf.getvalue()
    return b"OggS" + name.encode() + b"\x00" * 64


def whatsapp_zip(txt: bytes, names: list[str], *, ios: bool, chat_title: str) -> bytes:
    """The .zip the phone shares: iPhone ``_chat.txt`` plus media; Android ``<title>.txt``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_chat.txt" if ios else f"{chat_title}.txt", txt)
        for name in names:
            z.writestr(name, fake_media(name))
    return buf.getvalue()


# -- Telegram Desktop --------------------------------------------------------------------------


def telegram_export(
    folder: Path, turns: list[Turn], chat_name: str, *, media: bool = True, entities: bool = True
) -> Path:
    """Write a Telegram Desktop export (``result.json`` + ``photos/``, ``voice_messages/``)
    into ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = {"Сауле": "user5000000001", "Айгерим": "user5000000002", "Ерлан": "user5000000003",
           UNKNOWN: "user5000000999"}  # fmt: skip
    messages = []
    for n, t in enumerate(turns, start=101):
        stamp = t.at.strftime("%Y-%m-%dT%H:%M:%S")
        unix = str(int((t.at - datetime(1970, 1, 1)).total_seconds()) - 5 * 3600)
        if t.sender is None:
            messages.append({
                "id": n, "type": "service", "date": stamp, "date_unixtime": unix,
                "actor": "Сауле", "actor_id": ids["Сауле"], "action": "pin_message",
                "message_id": n - 1, "text": "", "text_entities": [],
            })  # fmt: skip
            continue
        msg: dict[str, object] = {
            "id": n, "type": "message", "date": stamp, "date_unixtime": unix,
            "from": t.sender, "from_id": ids.get(t.sender, "user5000000777"),
        }  # fmt: skip
        if t.media == "photo":
            rel = f"photos/photo_{n}@{t.at:%d-%m-%Y_%H-%M-%S}.jpg"
            if media:
                (folder / "photos").mkdir(exist_ok=True)
                (folder / rel).write_bytes(fake_media(rel))
                msg.update({"photo": rel, "width": 64, "height": 48})
            else:
                msg.update({"photo": "(File not included. Change data exporting settings to "
                            "download.)", "width": 64, "height": 48})  # fmt: skip
        elif t.media == "audio":
            rel = f"voice_messages/audio_{n}@{t.at:%d-%m-%Y_%H-%M-%S}.ogg"
            if media:
                (folder / "voice_messages").mkdir(exist_ok=True)
                (folder / rel).write_bytes(fake_media(rel))
                msg["file"] = rel
            else:
                msg["file"] = "(File not included. Change data exporting settings to download.)"
            msg.update({"file_name": f"audio_{n}.ogg", "media_type": "voice_message",
                        "mime_type": "audio/ogg", "duration_seconds": 14})  # fmt: skip
        text = t.text
        if entities and "\n" in text:
            head, rest = text.split("\n", 1)
            msg["text"] = [{"type": "bold", "text": head}, "\n" + rest]
            msg["text_entities"] = [{"type": "bold", "text": head},
                                    {"type": "plain", "text": "\n" + rest}]  # fmt: skip
        else:
            msg["text"] = text
            msg["text_entities"] = [{"type": "plain", "text": text}] if text else []
        messages.append(msg)
    data = {"name": chat_name, "type": "personal_chat", "id": 5000000002, "messages": messages}
    (folder / "result.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return folder


# -- large chats -------------------------------------------------------------------------------

_FILLER_RU = [
    "Мама, я дома, всё хорошо",
    "Купи, пожалуйста, хлеба и молока по дороге",
    "Завтра отметка в службе пробации в 10:00, не забудь паспорт",
    "Адвокат Нурлан перезвонит после обеда",
    "Бабушке звонили из банка опять, она переживает",
]
_FILLER_KK = [
    "Анашым, мен үйдемін, бәрі жақсы",
    "Жолда нан мен сүт ала кел",
    "Ертең сағат 10:00-де пробация қызметінде белгілену бар",
]


_LONG_RU = (
    "Переслано из канала. Сегодня в районном суде продолжилось рассмотрение дела; защита "
    "заявила ходатайство о вызове свидетелей, суд отложил заседание на две недели. "
    "Наблюдатели отметили, что в зал пустили не всех желающих."
)


def big_whatsapp_lines(
    target_bytes: int, lang: str = "ru", *, long: bool = False
) -> Iterator[bytes]:
    """Lines of an Android export of about ``target_bytes``, generated on the fly (for memory
    tests: never kept whole in memory). ``long``: forwarded news posts of ~2 KB over a dozen
    lines (fewer, longer messages) instead of short everyday lines. The last message ends with
    the word «конецпроверки» so a test can find it."""
    filler = _FILLER_KK if lang == "kk" else _FILLER_RU
    at = datetime(2019, 1, 1, 8, 0)
    written = 0
    n = 0
    head = f"{_date(at, lang, seconds=False, twelve=False)} - {_NOTICE[lang]}\n".encode()
    yield head
    written += len(head)
    senders = ["Айгерим", "Сауле", "Ерлан", UNKNOWN]
    while True:
        at += timedelta(minutes=1 + n % 7)
        sender = senders[n % 4]
        if long:
            text = "\n".join(f"{_LONG_RU} ({n}.{k})" for k in range(1 + n % 12))
        else:
            text = filler[n % len(filler)]
            if n % 10 == 0:
                text += "\nвторая строка сообщения " + str(n) + "\nи третья"
        line = f"{_date(at, lang, seconds=False, twelve=False)} - {sender}: {text} #{n}\n"
        data = line.encode("utf-8")
        n += 1
        written += len(data)
        yield data
        if written >= target_bytes:
            last = f"{_date(at, lang, seconds=False, twelve=False)} - {sender}: конецпроверки\n"
            yield last.encode("utf-8")
            return


# -- photos and videos -------------------------------------------------------------------------


def photo(
    *,
    size: tuple[int, int] = (320, 240),
    captured: str | None = "2022:03:14 23:04:12",
    offset: str | None = "+05:00",
    make: str | None = "samsung",
    model: str | None = "SM-A525F",
    gps: bool = True,
    orientation: int | None = None,
    maker_note: bytes | None = None,
    fmt: str = "JPEG",
) -> bytes:
    """A generated photo (a pale wall with a white sheet in the middle) with EXIF as a phone
    writes it: capture time, device, GPS near Almaty."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", size, (205, 190, 170))
    ImageDraw.Draw(im).rectangle((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4),
                                 fill=(250, 250, 250))  # fmt: skip
    exif = Image.Exif()
    if make:
        exif[271] = make
    if model:
        exif[272] = model
    if orientation:
        exif[0x0112] = orientation
    sub: dict[int, object] = {}
    if captured:
        sub[36867] = captured
        if offset:
            sub[36881] = offset
    if maker_note:
        sub[0x927C] = maker_note
    if sub:
        exif[0x8769] = sub
    if gps:
        exif[0x8825] = {1: "N", 2: (43.0, 14.0, 20.0), 3: "E", 4: (76.0, 53.0, 22.0)}
    buf = io.BytesIO()
    im.save(buf, fmt, exif=exif.tobytes())
    return buf.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    import struct

    return struct.pack(">I", 8 + len(payload)) + kind + payload


def video(
    created: datetime = datetime(2022, 3, 14, 18, 5, 0),
    *,
    apple: dict[str, str] | None = None,
    android_location: str | None = None,
) -> bytes:
    """A tiny MP4/MOV container as phones write its metadata: the movie header's creation time
    (UTC); Apple's keys (``com.apple.quicktime.make`` …) in ``moov/meta``; Android's location in
    ``moov/udta/©xyz``. No playable media (an empty ``mdat``)."""
    import struct

    mac = int((created - datetime(1904, 1, 1)).total_seconds())
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(b"mvhd", b"\0\0\0\0" + struct.pack(">IIII", mac, mac, 600, 600)
                + struct.pack(">IH", 0x10000, 0x100) + b"\0" * 10 + matrix + b"\0" * 24
                + struct.pack(">I", 2))  # fmt: skip
    parts = [mvhd]
    if android_location:
        s = android_location.encode()
        parts.append(_box(b"udta", _box(b"\xa9xyz", struct.pack(">HH", len(s), 0x15C7) + s)))
    if apple:
        items = list(apple.items())
        hdlr = _box(b"hdlr", b"\0" * 8 + b"mdta" + b"\0" * 13)
        keys = _box(b"keys", b"\0\0\0\0" + struct.pack(">I", len(items))
                    + b"".join(_box(b"mdta", k.encode()) for k, _ in items))  # fmt: skip
        ilst = _box(b"ilst", b"".join(
            _box(struct.pack(">I", i + 1), _box(b"data", struct.pack(">II", 1, 0) + v.encode()))
            for i, (_, v) in enumerate(items)))  # fmt: skip
        parts.append(_box(b"meta", hdlr + keys + ilst))
    brand = b"qt  " if apple else b"mp42"
    return (_box(b"ftyp", brand + b"\0\0\0\0" + brand) + _box(b"moov", b"".join(parts))
            + _box(b"mdat", b"\0" * 16))  # fmt: skip


def write_examples(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for lang in ("ru", "kk"):
        txt, _ = whatsapp_android(daughter_night(lang), lang)
        (out / f"whatsapp-android-{lang}.txt").write_bytes(txt)
        txt, names = whatsapp_ios(daughter_night(lang), "Айгерим", lang, media=True)
        (out / f"whatsapp-ios-{lang}.zip").write_bytes(
            whatsapp_zip(txt, names, ios=True, chat_title="Айгерим")
        )
    telegram_export(out / "telegram-ru", daughter_night("ru"), "Айгерим")
    (out / "photo-gps.jpg").write_bytes(photo())
    (out / "iphone.mov").write_bytes(
        video(apple={"com.apple.quicktime.make": "Apple", "com.apple.quicktime.model": "iPhone 12",
                     "com.apple.quicktime.creationdate": "2024-03-20T15:00:00+0500",
                     "com.apple.quicktime.location.ISO6709": "+43.2389+076.8897+850.000/"})
    )  # fmt: skip


if __name__ == "__main__":  # pragma: no cover
    write_examples(Path(sys.argv[1]))
