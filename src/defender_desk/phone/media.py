"""What a photo or video says about itself: when it was captured, on what device, and whether a
location is embedded — read from the decrypted bytes in memory, never from a temp file, and
never written back.

* Images (Pillow): EXIF ``DateTimeOriginal`` (with ``OffsetTimeOriginal`` when present), else
  ``DateTimeDigitized``; ``Make``/``Model``; a GPS IFD with latitude and longitude. XMP
  (``exif:DateTimeOriginal``, ``xmp:CreateDate``, ``photoshop:DateCreated``, ``tiff:Make``/
  ``Model``, ``exif:GPSLatitude``) fills what EXIF lacks. The file's own "DateTime" (its last
  change) is not taken for the capture time.
* Videos (hachoir's MP4/QuickTime parser): Apple's ``com.apple.quicktime.creationdate``,
  ``…make``, ``…model``, ``…location.ISO6709`` keys; Android's ``©xyz`` location; else the
  movie header's creation time (UTC by the standard, ``Z``).

**Contradiction rule** (:func:`contradiction`): the capture time is flagged when it lies more
than :data:`CONTRADICTION_DAYS` days before the earliest moment the incident's date can mean,
or more than that after the latest (its "until" if it has one; an approximate year counts its
margin). A prompt to check — a photo of a summons taken a week later is normal; one "taken"
two years after the incident is not what she wrote — not a verdict.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from defender_desk.domain.models import Incident
from defender_desk.errors import N_

#: Files larger than this are not decrypted into memory to read their metadata.
MAX_BYTES = 1024 * 1024 * 1024
MAX_XMP = 1024 * 1024
#: Days outside the incident's date range before the capture time is called a contradiction.
CONTRADICTION_DAYS = 30

_IFD_EXIF = 0x8769
_IFD_GPS = 0x8825
_DATETIME_ORIGINAL = 36867
_DATETIME_DIGITIZED = 36868
_OFFSET_ORIGINAL = 36881
_OFFSET_DIGITIZED = 36882
_MAKE = 271
_MODEL = 272
_GPS_LAT = 2
_GPS_LON = 4
_EXIF_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")
_ISO6709 = re.compile(r"^[+-]\d+(?:\.\d+)?[+-]\d+(?:\.\d+)?")


@dataclass(frozen=True)
class FileMetadata:
    """``captured_at``: ISO 8601 as the file states it (local wall time, with its offset when
    the file gives one, ``Z`` for a video's UTC header time). ``reason`` says why nothing
    could be read (an N_ template), else None."""

    kind: str  # image | video | other
    captured_at: str | None = None
    device: str | None = None
    has_location: bool = False
    source: str | None = None  # exif | xmp | quicktime | mp4
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "captured_at": self.captured_at,
            "device": self.device,
            "has_location": self.has_location,
        }

    def to_record(self) -> dict[str, Any]:
        return {**self.to_json(), "kind": self.kind, "source": self.source, "reason": self.reason}

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> FileMetadata:
        return cls(
            kind=data["kind"],
            captured_at=data["captured_at"],
            device=data["device"],
            has_location=bool(data["has_location"]),
            source=data["source"],
            reason=data["reason"],
        )


def kind_of(media_type: str, head: bytes = b"") -> str:
    if media_type.startswith("image/"):
        return "image"
    if media_type.startswith("video/") or head[4:8] == b"ftyp":
        return "video"
    return "other"


def read_metadata(data: bytes, media_type: str) -> FileMetadata:
    """Read what ``data`` says about itself. Never raises for bad input: a file that cannot be
    read gives a :class:`FileMetadata` with ``reason``."""
    kind = kind_of(media_type, data[:12])
    if kind == "image":
        return _image(data)
    if kind == "video":
        return _video(data)
    return FileMetadata(kind="other")


# -- images ---------------------------------------------------------------------------------------


def _clean(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "").strip()
    return text or None


def _device(make: str | None, model: str | None) -> str | None:
    if make and model:
        return model if model.lower().startswith(make.lower()) else f"{make} {model}"
    return model or make


def _exif_time(value: Any, offset: Any) -> str | None:
    text = _clean(value)
    if text is None:
        return None
    m = _EXIF_DATE.match(text)
    if m is None:
        return None
    try:
        y, mo, d, h, mi, s = (int(g) for g in m.groups())
        moment = datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    iso = moment.isoformat()
    off = _clean(offset)
    return iso + off if off and _OFFSET.match(off) else iso


def _image(data: bytes) -> FileMetadata:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            exif = im.getexif()
            xmp_raw = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    except Exception:  # noqa: BLE001 - hostile files make Pillow raise many kinds
        return FileMetadata(kind="image", reason=N_("the image cannot be read"))
    captured = device = None
    has_location = False
    source = None
    try:
        sub = exif.get_ifd(_IFD_EXIF)
        captured = _exif_time(sub.get(_DATETIME_ORIGINAL), sub.get(_OFFSET_ORIGINAL)) or _exif_time(
            sub.get(_DATETIME_DIGITIZED), sub.get(_OFFSET_DIGITIZED)
        )
        device = _device(_clean(exif.get(_MAKE)), _clean(exif.get(_MODEL)))
        gps = exif.get_ifd(_IFD_GPS)
        has_location = bool(gps.get(_GPS_LAT)) and bool(gps.get(_GPS_LON))
        if captured or device or has_location:
            source = "exif"
    except Exception:  # noqa: BLE001, S110 - keep what was read before the damage
        pass
    if xmp_raw:
        x = _xmp(xmp_raw)
        if x:
            if captured is None and x.get("captured"):
                captured, source = x["captured"], source or "xmp"
            if device is None and x.get("device"):
                device, source = x["device"], source or "xmp"
            if not has_location and x.get("location"):
                has_location, source = True, source or "xmp"
    return FileMetadata(
        kind="image",
        captured_at=captured,
        device=device,
        has_location=has_location,
        source=source,
    )


_NS = {
    "exif": "http://ns.adobe.com/exif/1.0/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "tiff": "http://ns.adobe.com/tiff/1.0/",
}


def _xmp(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "replace")
    if not isinstance(raw, bytes | bytearray) or len(raw) > MAX_XMP:
        return {}
    text = bytes(raw)
    start = text.find(b"<x:xmpmeta")
    end = text.find(b"</x:xmpmeta>")
    if start < 0 or end < 0 or b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        return {}
    try:
        root = ET.fromstring(text[start : end + len(b"</x:xmpmeta>")])  # noqa: S314
    except ET.ParseError:
        return {}
    values: dict[str, str] = {}
    for el in root.iter():
        for key, value in (*el.attrib.items(), (el.tag, el.text or "")):
            for prefix, ns in _NS.items():
                if isinstance(key, str) and key.startswith("{" + ns + "}") and value.strip():
                    values.setdefault(prefix + ":" + key[len(ns) + 2 :], value.strip())
    out: dict[str, Any] = {}
    for name in ("exif:DateTimeOriginal", "xmp:CreateDate", "photoshop:DateCreated"):
        if name in values:
            try:
                moment = datetime.fromisoformat(values[name].replace("Z", "+00:00"))
            except ValueError:
                continue
            out["captured"] = moment.isoformat()
            break
    dev = _device(values.get("tiff:Make"), values.get("tiff:Model"))
    if dev:
        out["device"] = dev
    if values.get("exif:GPSLatitude") and values.get("exif:GPSLongitude"):
        out["location"] = True
    return out


# -- videos ---------------------------------------------------------------------------------------

_APPLE = "com.apple.quicktime."


def _video(data: bytes) -> FileMetadata:
    import hachoir.core.config as hachoir_config

    hachoir_config.quiet = True  # its warnings would go to stderr, with names from the file
    from hachoir.parser import guessParser
    from hachoir.stream import InputIOStream

    try:
        parser = guessParser(InputIOStream(io.BytesIO(data), source="evidence", tags=[]))
    except Exception:  # noqa: BLE001 - hachoir raises many kinds on hostile input
        parser = None
    if parser is None or type(parser).__name__ != "MP4File":
        return FileMetadata(kind="video", reason=N_("only MP4 and MOV videos are read"))
    keys: dict[str, str] = {}
    xyz = False
    header_time: datetime | None = None
    try:
        for field in _walk(parser, 0):
            name = field.name
            if name == "movie_hdr" and header_time is None:
                value = field["creation_date"].value
                if isinstance(value, datetime) and value.year > 1970:
                    header_time = value
            elif name == "tags":
                keys.update(_apple_keys(field))
            elif name.startswith("atom[") and field["tag"].value == "\xa9xyz":
                xyz = True
    except Exception:  # noqa: BLE001, S110 - keep what was read before the damage
        pass
    captured = None
    when = keys.get(_APPLE + "creationdate")
    if when:
        try:
            captured = datetime.fromisoformat(_iso_offset(when)).isoformat()
        except ValueError:
            captured = None
    if captured is None and header_time is not None:
        captured = header_time.replace(tzinfo=None).isoformat() + "Z"
    device = _device(keys.get(_APPLE + "make"), keys.get(_APPLE + "model"))
    location = bool(_ISO6709.match(keys.get(_APPLE + "location.ISO6709", ""))) or xyz
    return FileMetadata(
        kind="video",
        captured_at=captured,
        device=device,
        has_location=location,
        source="quicktime" if keys else "mp4",
    )


def _iso_offset(text: str) -> str:
    """``2024-03-20T15:00:00+0500`` → ``…+05:00`` (Python 3.11 reads both, be explicit)."""
    m = re.match(r"^(.*[T ]\d{2}:\d{2}(?::\d{2})?)([+-]\d{2})(\d{2})$", text.strip())
    return f"{m.group(1)}{m.group(2)}:{m.group(3)}" if m else text.strip()


def _walk(fieldset: Any, depth: int) -> Any:
    """The atoms and headers of interest, without descending into media data."""
    if depth > 12:
        return
    for field in fieldset:
        if not field.is_field_set:
            continue
        yield field
        if field.name in ("movie_hdr", "tags", "ilst", "keys"):
            continue
        yield from _walk(field, depth + 1)


def _apple_keys(tags: Any) -> dict[str, str]:
    """Apple's metadata keys (a ``keys`` list and an ``ilst`` of indexed ``data`` atoms)."""
    names: list[str] = []
    items: dict[int, bytes] = {}
    for atom in tags:
        if not atom.is_field_set or "tag" not in atom:
            continue
        tag = atom["tag"].value
        if tag == "keys":
            for key in atom["keys"]:
                if key.name.startswith("key[") and "data" in key:
                    names.append(bytes(key["data"].value).decode("utf-8", "replace"))
        elif tag == "ilst":
            for item in atom["ilst"]:
                if item.name.startswith("item[") and "value" in item and "data" in item["value"]:
                    items[int(item["index"].value)] = bytes(item["value"]["data"].value)
    out: dict[str, str] = {}
    for index, raw in items.items():
        if 1 <= index <= len(names) and len(raw) >= 8:
            type_code = int.from_bytes(raw[:4], "big")
            if type_code == 1:  # UTF-8 text
                out[names[index - 1]] = raw[8:].decode("utf-8", "replace").strip("\x00 ")
    return out


# -- the contradiction rule -----------------------------------------------------------------------


def _naive(captured_at: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(captured_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=None)


def contradiction(captured_at: str | None, incident: Incident) -> dict[str, Any] | None:
    """``{"direction": "before"|"after", "days": N, "incident_id"}`` when the capture time is
    more than :data:`CONTRADICTION_DAYS` days outside the incident's date range, else None.
    The comparison is in wall time (the file's offset is dropped: hours do not matter here)."""
    if captured_at is None:
        return None
    moment = _naive(captured_at)
    if moment is None:
        return None
    earliest = incident.happened.earliest()
    latest = (incident.until or incident.happened).latest()
    margin = timedelta(days=CONTRADICTION_DAYS)
    if moment < earliest - margin:
        return {
            "direction": "before",
            "days": (earliest - moment).days,
            "incident_id": incident.id,
        }
    if moment > latest + margin:
        return {"direction": "after", "days": (moment - latest).days, "incident_id": incident.id}
    return None
