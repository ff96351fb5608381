"""Issue 12, item 9: what she (or someone) hands the program instead of a plain file.

A FIFO or a device given to ``--evidence`` or ``restore`` used to block for ever; names with a
tab, a newline or control characters failed with "unexpected error", and Windows-1251 names
became ``����``. Each is a test against the real CLI in a subprocess with a timeout.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from defender_desk import filenames
from defender_desk.domain.models import Evidence
from tests.conftest import PASS


@pytest.fixture
def incident(cli, made_vault):
    vault, _code = made_vault
    r = cli(vault, ["incident", "add", "--category", "020103010000", "--title", "т",
                    "--happened", "2021"], [PASS])  # fmt: skip
    assert r.code == 0, r.err
    return r.out.strip().split()[-1]


def test_a_fifo_given_as_evidence_is_refused_not_waited_on(cli, made_vault, incident, tmp_path):
    vault, _ = made_vault
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    r = cli(vault, ["evidence", "add", incident, str(fifo)], [PASS], timeout=60)
    assert r.code == 1, r.err
    assert "not a regular file" in r.err
    r = cli(vault, ["incident", "add", "--category", "020103010000", "--title", "x",
                    "--happened", "2021", "--evidence", str(fifo)], [PASS], timeout=60)  # fmt: skip
    assert r.code == 1 and "not a regular file" in r.err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/tty"])
def test_a_device_given_as_evidence_is_refused(cli, made_vault, incident, device):
    vault, _ = made_vault
    if not os.path.exists(device):
        pytest.fail(f"{device} is missing on this machine")
    r = cli(vault, ["evidence", "add", incident, device], [PASS], timeout=60)
    assert r.code == 1, r.err
    assert "not a regular file" in r.err


def test_a_fifo_given_to_restore_is_refused_before_anything_is_written(cli, made_vault, tmp_path):
    _vault, code = made_vault
    fifo = tmp_path / "backup.age"
    os.mkfifo(fifo)
    target = tmp_path / "restored"
    r = cli(target, ["restore", str(fifo)], [code, "new"], timeout=60)
    assert r.code == 1, r.err
    assert "not a regular file" in r.err
    assert not target.exists()


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"tab\there.jpg", "tab\\there.jpg"),
        (b"new\nline.jpg", "new\\nline.jpg"),
        (b"esc\x1b[31mred.jpg", "esc\\x1b[31mred.jpg"),
        (b"bell\x07.jpg", "bell\\x07.jpg"),
        (b"photo\xe2\x80\xaegpj.exe", "photo\\u202egpj.exe"),  # right-to-left override
        ("Фото сына.jpg".encode("cp1251"), "Фото сына.jpg"),  # Windows-1251
        ("Повестка №5.pdf".encode("cp866"), "Повестка №5.pdf"),  # DOS 866 (old ZIPs)
        (b"\xff\xfe-not-text.jpg", "\\xff\\xfe-not-text.jpg"),
    ],
)
def test_names_are_stored_exactly_and_shown_safely(cli, made_vault, incident, tmp_path, raw, shown):
    vault, _ = made_vault
    path = os.fsencode(tmp_path) + b"/" + raw
    with open(path, "wb") as f:
        f.write(b"content of " + raw)
    r = cli(vault, ["evidence", "add", incident, os.fsdecode(path)], [PASS])
    assert r.code == 0, r.err  # not "unexpected error"
    r = cli(vault, ["evidence", "list", "--json"], [PASS])
    (item,) = json.loads(r.out)
    assert item["original_name"] == shown
    exact = item.get("original_name_bytes")
    assert (base64.b64decode(exact) if exact else item["original_name"].encode()) == raw
    r = cli(vault, ["evidence", "list"], [PASS])
    assert shown in r.out
    assert not any(ch in r.out for ch in "\t\x1b\x07\u202e"), repr(r.out)  # nothing raw
    assert r.out.count("\n") == 1  # one line per file


def test_portable_names_for_other_disks():
    assert filenames.portable_name('a<b>c:d"e/f\\\\g|h?i*j.jpg') == "a_b_c_d_e_f__g_h_i_j.jpg"
    assert filenames.portable_name("CON.txt") == "_CON.txt"
    assert filenames.portable_name("nul") == "_nul"
    assert filenames.portable_name("trailing. . ") == "trailing"
    assert filenames.portable_name("back\\slash") == "back_slash"
    assert filenames.portable_name("\u202egpj.exe") == "_gpj.exe"
    long = "ж" * 300 + ".jpeg"
    out = filenames.portable_name(long)
    assert out.endswith(".jpeg") and len(out.encode()) <= 255
    assert filenames.portable_name("...") == "file"
    ev = Evidence.model_validate_json(
        json.dumps(
            {
                "id": "e-1",
                "original_name": "CON.txt",
                "media_type": "text/plain",
                "size": 1,
                "sha256": "0" * 64,
                "added_at": "2026-01-01T00:00:00Z",
                "object_name": "ab/cd",
            }
        )
    )
    assert ev.portable_name() == "_CON.txt"


def test_display_name_round_trips_through_the_record(tmp_path: Path):
    for raw in (b"\x01\x02", b"a\\tb", "ок".encode("cp1251")):
        shown = filenames.display_name(raw)
        exact = filenames.exact_bytes(raw, shown)
        assert (base64.b64decode(exact) if exact else shown.encode()) == raw
