"""What photos and videos say about themselves, the contradiction rule, and working copies —
checked against exiftool (Debian's libimage-exiftool-perl), a stock tool outside the project."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from defender_desk.app import Desk
from defender_desk.phone import media, redact
from defender_desk.phone.errors import BadBox, NotAnImage
from defender_desk.phone.redact import Box
from defender_desk.secret import Secret
from tests.conftest import PASS
from tests.phone import generators as g

EXIFTOOL = shutil.which("exiftool")


def exiftool(data: bytes) -> dict[str, object]:
    """exiftool's reading of ``data`` (from standard input), all groups."""
    assert EXIFTOOL, "exiftool is missing: apt-get install libimage-exiftool-perl"
    out = subprocess.run(
        [EXIFTOOL, "-j", "-a", "-G1", "-n", "-"], input=data, capture_output=True, check=True
    ).stdout
    return dict(json.loads(out)[0])


def gps_tags(tags: dict[str, object]) -> list[str]:
    return [k for k in tags if "GPS" in k]


@pytest.fixture
def desk(tmp_path: Path):
    d = Desk(tmp_path / "vault")
    d.create(Secret.from_text(PASS))
    yield d
    d.lock()


def add(desk: Desk, name: str, data: bytes, incident_id: str | None = None):
    media_type = {"jpg": "image/jpeg", "png": "image/png", "mov": "video/quicktime",
                  "mp4": "video/mp4"}.get(name.rsplit(".", 1)[-1])  # fmt: skip
    return desk.add_evidence_bytes(incident_id, name, data, media_type)


# -- metadata ---------------------------------------------------------------------------------


def test_photo_exif_time_device_and_location():
    data = g.photo()
    assert gps_tags(exiftool(data))  # the generated file really has GPS
    meta = media.read_metadata(data, "image/jpeg")
    assert meta.captured_at == "2022-03-14T23:04:12+05:00"
    assert meta.device == "samsung SM-A525F"
    assert meta.has_location and meta.source == "exif"


def test_photo_without_metadata():
    meta = media.read_metadata(
        g.photo(captured=None, make=None, model=None, gps=False), "image/jpeg"
    )
    assert (meta.captured_at, meta.device, meta.has_location) == (None, None, False)


def test_xmp_only_photo():
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
        'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmp:CreateDate="2021-10-05T22:14:03" '
        'tiff:Make="Xiaomi" tiff:Model="Redmi Note 9" exif:GPSLatitude="43,14.33N" '
        'exif:GPSLongitude="76,53.38E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(buf, "JPEG", xmp=xmp.encode())
    data = buf.getvalue()
    assert exiftool(data).get("XMP-tiff:Make") == "Xiaomi"
    meta = media.read_metadata(data, "image/jpeg")
    assert meta.captured_at == "2021-10-05T22:14:03"
    assert meta.device == "Xiaomi Redmi Note 9" and meta.has_location and meta.source == "xmp"


def test_iphone_video_keys():
    data = g.video(
        apple={
            "com.apple.quicktime.make": "Apple",
            "com.apple.quicktime.model": "iPhone 12",
            "com.apple.quicktime.creationdate": "2022-03-14T23:05:00+0500",
            "com.apple.quicktime.location.ISO6709": "+43.2389+076.8897+850.000/",
        }
    )
    tags = exiftool(data)
    assert tags.get("Keys:Model") == "iPhone 12" and gps_tags(tags)
    meta = media.read_metadata(data, "video/quicktime")
    assert meta.captured_at == "2022-03-14T23:05:00+05:00"
    assert meta.device == "Apple iPhone 12" and meta.has_location


def test_android_video_header_time_and_location():
    data = g.video(datetime(2022, 3, 14, 18, 5), android_location="+43.2389+076.8897/")
    assert gps_tags(exiftool(data))
    meta = media.read_metadata(data, "video/mp4")
    assert meta.captured_at == "2022-03-14T18:05:00Z" and meta.has_location
    assert meta.device is None
    assert not media.read_metadata(g.video(), "video/mp4").has_location


def test_damaged_files_give_a_reason_not_an_error():
    assert media.read_metadata(b"\xff\xd8garbage", "image/jpeg").reason is not None
    assert media.read_metadata(b"not a video at all", "video/mp4").reason is not None
    assert media.read_metadata(b"%PDF-1.4", "application/pdf").kind == "other"


def test_contradiction_rule(desk):
    incident = desk.add_incident(
        {"category": "DD-SEIZED-PHONE", "title": "СМС", "happened": "2022-03-14T23:00"}
    )
    assert media.contradiction("2022-03-15T09:00:00", incident) is None
    assert media.contradiction("2022-04-10T09:00:00+05:00", incident) is None  # 26 days
    late = media.contradiction("2024-03-20T15:00:00+05:00", incident)
    assert late == {"direction": "after", "days": 736, "incident_id": incident.id}
    early = media.contradiction("2021-12-01T10:00:00", incident)
    assert early is not None and early["direction"] == "before" and early["days"] == 103
    vague = desk.add_incident({"category": "DD-SEIZED-PHONE", "title": "x", "happened": "~2021"})
    assert media.contradiction("2022-06-01T00:00:00", vague) is None  # ±1 year margin


def test_metadata_through_the_desk_leaves_the_original_alone(desk):
    incident = desk.add_incident(
        {"category": "DD-SEIZED-PHONE", "title": "СМС", "happened": "2022-03-14T23:00"}
    )
    data = g.photo(captured="2024:03:20 15:00:00")
    ev = add(desk, "IMG_0001.jpg", data, incident.id)
    before = sorted(p.read_bytes() for p in desk.paths.objects.rglob("*") if p.is_file())
    meta = desk.evidence_metadata(ev.id)
    assert meta.captured_at == "2024-03-20T15:00:00+05:00"
    clash = desk.metadata_contradiction(ev.id)
    assert clash is not None and clash["direction"] == "after" and clash["days"] > 700
    after = sorted(p.read_bytes() for p in desk.paths.objects.rglob("*") if p.is_file())
    assert before == after
    assert desk.read_evidence(ev.id) == data
    assert desk.verify_evidence() == []
    # remembered: the cached value comes back without decrypting
    assert desk.evidence_metadata(ev.id) == meta
    text = add(desk, "notes.txt", "Заметки".encode())
    assert desk.evidence_metadata(text.id).kind == "other"
    assert desk.metadata_contradiction(text.id) is None


# -- working copies -----------------------------------------------------------------------------


def pixels(data: bytes, box: Box) -> list[tuple[int, ...]]:
    with Image.open(io.BytesIO(data)) as im:
        rgb = im.convert("RGB")
        xs, ys = range(box.x, box.x + box.w), range(box.y, box.y + box.h)
        return [rgb.getpixel((x, y)) for y in ys for x in xs]


@pytest.mark.parametrize("box", [Box(100, 70, 50, 40), Box(3, 5, 17, 9), Box(0, 0, 320, 240)])
def test_working_copy_is_black_in_the_box_and_has_no_location(desk, box):
    data = g.photo(maker_note=b"MAKER-PREVIEW")
    original = add(desk, "IMG_20220314_230412.jpg", data)
    copy = desk.make_working_copy(original.id, [box], strip_metadata=True)
    out = desk.read_evidence(copy.id)
    tags = exiftool(out)
    assert gps_tags(tags) == []
    assert not [k for k in tags if k.startswith(("IFD0:", "ExifIFD:", "XMP", "IPTC", "ICC"))]
    assert set(pixels(out, box)) == {(0, 0, 0)}
    # outside the (block-widened) box the photo is still there
    with Image.open(io.BytesIO(out)) as im:
        assert im.convert("RGB").getpixel((319, 239)) != (0, 0, 0) or box.w == 320
    assert desk.read_evidence(original.id) == data
    assert desk.evidence.get(original.id).sha256 == hashlib.sha256(data).hexdigest()
    info = desk.working_copy_info(copy.id)
    assert info is not None
    assert info["original_id"] == original.id
    assert info["original_sha256"] == hashlib.sha256(data).hexdigest()
    assert info["changes"]["boxes"] == [box.as_list()]
    assert info["changes"]["metadata_stripped"] is True
    assert copy.original_name == f"working-copy-{original.id}.jpg" and copy.incident_id is None
    assert desk.working_copy_for(original.id) == copy
    assert desk.verify_evidence() == []
    assert desk.check().ok  # the copy's evidence revision is still the copy's record
    record = json.loads(desk.history_of(f"{copy.id}@working-copy")[0]["content"])
    assert record["original_sha256"] == info["original_sha256"]
    desk.delete_evidence(copy.id)
    assert desk.history_of(f"{copy.id}@working-copy")[0]["content"] is None  # purged
    assert desk.working_copy_for(original.id) is None


def test_keeping_metadata_drops_thumbnail_and_maker_notes(desk, tmp_path):
    assert EXIFTOOL
    src = tmp_path / "p.jpg"
    src.write_bytes(g.photo(maker_note=b"MAKER-PREVIEW"))
    thumb = tmp_path / "t.jpg"
    thumb.write_bytes(g.photo(size=(32, 24), gps=False))
    subprocess.run(
        [EXIFTOOL, "-q", "-overwrite_original", f"-ThumbnailImage<={thumb}", str(src)], check=True
    )
    data = src.read_bytes()
    assert "IFD1:ThumbnailImage" in exiftool(data) and "ExifIFD:MakerNoteUnknownText" in exiftool(
        data
    )
    ev = add(desk, "p.jpg", data)
    out = desk.read_evidence(
        desk.make_working_copy(ev.id, [Box(8, 8, 16, 16)], strip_metadata=False).id
    )
    tags = exiftool(out)
    assert gps_tags(tags)  # she chose to keep it
    assert tags.get("IFD0:Make") == "samsung"
    assert not [k for k in tags if k.startswith("IFD1:") or "MakerNote" in k]


def test_orientation_is_applied_before_the_boxes(desk):
    data = g.photo(orientation=6)  # stored 320×240, shown 240×320
    ev = add(desk, "r.jpg", data)
    copy = desk.make_working_copy(ev.id, [Box(0, 280, 240, 40)], strip_metadata=True)
    out = desk.read_evidence(copy.id)
    with Image.open(io.BytesIO(out)) as im:
        assert im.size == (240, 320)
    assert set(pixels(out, Box(0, 280, 240, 40))) == {(0, 0, 0)}
    with pytest.raises(BadBox):
        desk.make_working_copy(ev.id, [Box(0, 230, 320, 20)], strip_metadata=True)


def test_png_stays_png_and_exact(desk):
    buf = io.BytesIO()
    Image.new("RGBA", (50, 40), (255, 255, 255, 0)).save(buf, "PNG")
    ev = add(desk, "screenshot.png", buf.getvalue())
    out = desk.read_evidence(
        desk.make_working_copy(ev.id, [Box(1, 1, 3, 3)], strip_metadata=True).id
    )
    with Image.open(io.BytesIO(out)) as im:
        assert im.format == "PNG"
        assert {im.getpixel((x, y)) for x in range(1, 4) for y in range(1, 4)} == {(0, 0, 0, 255)}
        assert im.getpixel((4, 4)) == (255, 255, 255, 0)


def test_preview_matches_the_copy(desk):
    ev = add(desk, "p.jpg", g.photo())
    png = desk.redaction_preview(ev.id, [Box(100, 70, 50, 40)], max_side=160)
    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG" and max(im.size) == 160
        assert im.convert("RGB").getpixel((62, 44)) == (0, 0, 0)
        assert im.convert("RGB").getpixel((5, 5)) != (0, 0, 0)


def test_not_an_image_and_bad_boxes(desk):
    text = add(desk, "a.txt", b"hello")
    with pytest.raises(NotAnImage):
        desk.make_working_copy(text.id, [Box(0, 0, 1, 1)], strip_metadata=True)
    liar = add(desk, "liar.jpg", b"not really a jpeg")
    with pytest.raises(NotAnImage):
        desk.make_working_copy(liar.id, [], strip_metadata=True)
    for bad in ("1,2,3", "0,0,0,5", "a,b,c,d", "-1,0,5,5"):
        with pytest.raises(BadBox):
            redact.parse_box(bad)
    assert redact.parse_box(" 10, 20,30,40") == Box(10, 20, 30, 40)
