"""The proof that nothing readable is left outside the vault.

A scripted session — the real CLI in subprocesses, then the desktop app offscreen — puts a
unique canary into every field, person, tag, file name, evidence content, obligation, emergency
log, chat export, photo metadata and working copy, export and backup. Afterwards the data
folder, $TMPDIR, /dev/shm and $HOME (.cache, .config, .local/share including
recently-used.xbel) are searched for the canary in UTF-8 and UTF-16LE: nothing may be found, the
vault's own ciphertext included.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import PASS, REPO
from tests.phone.generators import photo as make_photo


def _env(home: Path, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DEFENDER_DESK_HOME"))}
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def _cli(env: dict[str, str], args: list[str], secrets_in: list[str], stdin: str = "") -> str:
    r, w = os.pipe()
    os.write(w, "".join(s + "\n" for s in secrets_in).encode())
    os.close(w)
    proc = subprocess.run(
        [sys.executable, "-m", "defender_desk", "--passphrase-fd", str(r), *args],
        input=stdin.encode(),
        capture_output=True,
        pass_fds=(r,),
        env=env,
        check=False,
        cwd=REPO,
    )
    os.close(r)
    assert proc.returncode == 0, (args, proc.stderr.decode())
    return proc.stdout.decode().strip()


def _hits(roots: list[Path], needles: list[bytes]) -> list[str]:
    found = []
    for root in roots:
        if not root.exists():
            continue
        for path in [root, *root.rglob("*")] if root.is_dir() else [root]:
            if not path.is_file() or path.is_symlink():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            for n in needles:
                if n in data:
                    found.append(f"{path}: {n!r}")
    return found


def test_canary_sweep_cli_and_gui(tmp_path):
    home, tmp, outside = tmp_path / "home", tmp_path / "tmp", tmp_path / "outside"
    for d in (home, tmp, outside):
        d.mkdir()
    env = _env(home, tmp)
    canary = "CANARY" + secrets.token_hex(6)
    cyr = "КАНАРЕЙКА" + secrets.token_hex(3)
    c = canary

    # the vault in the platform default under this HOME
    out = json.loads(_cli(env, ["init", "--json"], [PASS]))
    assert "recovery_code" in out
    person = _cli(
        env,
        [
            "person",
            "add",
            "--name",
            f"{c}-name {cyr}",
            "--role",
            "family",
            "--relation",
            "child",
            "--notes",
            f"{c}-notes",
        ],
        [PASS],
    )
    actor = _cli(
        env,
        ["person", "add", "--name", f"{c}-actor", "--role", "actor", "--institution", "police"],
        [PASS],
    )
    evidence = outside / f"{c}-file.txt"  # the original lives outside the searched folders
    evidence.write_text(f"{c}-evidence-content {cyr}", encoding="utf-8")
    incident = _cli(
        env,
        [
            "incident",
            "add",
            "--category",
            "DD-SUMMONS",
            "--title",
            f"{c}-title {cyr}",
            "--happened",
            "2022-03-14T21:30",
            "--text",
            "-",
            "--target",
            person,
            "--actor",
            actor,
            "--place",
            f"{c}-place",
            "--tag",
            f"{c}-tag",
            "--summoned-by",
            f"{c}-summoner",
            "--legal-basis",
            f"{c}-basis",
            "--erdr",
            "215500031000123",
            "--evidence",
            str(evidence),
        ],
        [PASS],
        stdin=f"{c}-description {cyr}",
    )
    _cli(env, ["search", c, "--json"], [PASS])
    _cli(env, ["incident", "show", incident], [PASS])
    # phone evidence: a chat export and a photo, their metadata, a working copy
    chat_txt = outside / f"{c}-chat.txt"
    chat_txt.write_text(
        f"14.03.2022, 23:00 - {c}-sender: {c}-message {cyr}\n14.03.2022, 23:01 - Сауле: ок\n",
        encoding="utf-8",
    )
    chat = _cli(env, ["chat", "import", str(chat_txt)], [PASS])
    _cli(env, ["chat", "show", chat, "--query", c, "--json"], [PASS])
    _cli(env, ["chat", "attach", chat, "--incident", incident, "--messages", "1"], [PASS])
    photo = outside / f"{c}-photo.jpg"
    photo.write_bytes(make_photo(make=f"{c}-make", model=f"{c}-model"))
    photo_id = _cli(env, ["evidence", "add", incident, str(photo)], [PASS])
    _cli(env, ["evidence", "show", photo_id, "--json"], [PASS])
    _cli(env, ["evidence", "redact", photo_id, "--box", "0,0,8,8"], [PASS])
    _cli(
        env,
        [
            "obligation",
            "add",
            "--kind",
            "probation",
            "--title",
            f"{c}-probation",
            "--from",
            "2025-12-01",
            "--until",
            "2026-12-01",
            "--body",
            f"{c}-body",
        ],
        [PASS],
    )
    emergency = _cli(env, ["emergency", "start", "--person", person], [PASS])
    _cli(env, ["emergency", "log", emergency, f"{c}-log {cyr}"], [PASS])
    keygen = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True)
    recipient = next(
        line.split(": ")[1]
        for line in (keygen.stdout + keygen.stderr).splitlines()
        if "public key" in line
    )
    contact = _cli(
        env,
        [
            "contact",
            "add",
            "--name",
            f"{c}-lawyer",
            "--role",
            "lawyer",
            "--age-recipient",
            recipient,
            "--notes",
            f"{c}-contact-notes",
        ],
        [PASS],
    )
    _cli(env, ["export", "--recipient", contact, "-o", str(home / "Documents-export.age")], [PASS])
    _cli(env, ["backup", "-o", str(home / "backup.age")], [PASS])
    _cli(env, ["check"], [PASS])

    # the desktop app offscreen: unlock, list, open the incident, view the evidence, lock
    gui = textwrap.dedent(f"""
        import sys
        from PySide6.QtWidgets import QApplication
        from defender_desk.paths import resolve_vault_dir
        from defender_desk.ui.app import Controller
        from defender_desk.gui_main import DesktopCore
        app = QApplication([])
        c = Controller(app, DesktopCore(resolve_vault_dir(None)), lang="ru", restart=lambda: None)
        c.start()
        c.window.passphrase.edit.setText({PASS!r})
        c.window.unlock()
        mw = c.main_window
        for key in list(mw.screens):
            mw.show_screen(key)
            app.processEvents()
        scr = mw.show_screen("incidents")
        app.processEvents()
        from defender_desk.ui.kit.viewer import EvidenceViewer
        ev = c.desk.list_evidence()[0]
        v = EvidenceViewer(c.desk, ev)
        app.processEvents()
        c.copy_text({c!r} + "-clipboard")
        c.lock()
        print("gui ok")
    """)
    proc = subprocess.run(
        [sys.executable, "-c", gui],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0 and "gui ok" in proc.stdout, proc.stderr[-3000:]

    evidence.unlink()
    chat_txt.unlink()
    photo.unlink()
    needles = [s.encode(enc) for s in (canary, cyr) for enc in ("utf-8", "utf-16-le")]
    roots = [home, tmp, Path("/dev/shm")]
    vault = home / ".local" / "share" / "DefenderDesk"
    assert (vault / "vault.key").exists(), "the vault is under the searched HOME"
    assert _hits(roots, needles) == []
