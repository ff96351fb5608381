"""Offline by construction: a full CLI session and a GUI session with every way to open a
network connection or resolve a name made to raise. Nothing fails, so nothing tried."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import PASS, REPO

PATCH = textwrap.dedent("""
    import socket
    def _refuse(*a, **k):
        raise AssertionError("network use attempted")
    class _NoSocket(socket.socket):
        def __init__(self, *a, **k):
            _refuse()
    socket.socket = _NoSocket
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse
    socket.gethostbyname = _refuse
    socket.socketpair = _refuse
""")


def test_full_session_without_network(tmp_path):
    vault = tmp_path / "v"
    script = PATCH + textwrap.dedent(f"""
        import os, json, io, sys, contextlib
        from defender_desk.cli import main
        P = {PASS!r}
        vault = {str(vault)!r}
        def run(*args, secrets=(P,), stdin=""):
            r, w = os.pipe()
            os.write(w, "".join(s + "\\n" for s in secrets).encode()); os.close(w)
            sys.stdin = io.StringIO(stdin)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(["--vault-dir", vault, "--passphrase-fd", str(r), *args])
            os.close(r)
            assert code == 0, (args, code)
            return out.getvalue().strip()
        run("init")
        pid = run("person", "add", "--name", "Айгерим", "--role", "family", "--relation", "child")
        ev = os.path.join({str(tmp_path)!r}, "photo.txt")
        open(ev, "w").write("evidence")
        iid = run("incident", "add", "--category", "020103010000", "--title", "угроза",
                  "--happened", "~2021", "--target", pid, "--evidence", ev)
        run("search", "угроза")
        run("obligation", "add", "--kind", "probation", "--title", "пробация",
            "--from", "2025-12-01", "--until", "2026-12-01")
        run("due", "--json"); run("countdown", "--json")
        eid = run("emergency", "start", "--person", pid)
        run("emergency", "log", eid, "23:40 РОВД")
        run("emergency", "card", eid, "-o", os.path.join({str(tmp_path)!r}, "card.pdf"))
        run("me")
        run("export", "--recipient", "me", "-o", os.path.join({str(tmp_path)!r}, "x.age"))
        run("backup", "-o", os.path.join({str(tmp_path)!r}, "b.age"))
        run("check")
        run("rekey", secrets=(P, P))
        # and the desktop, offscreen
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        from pathlib import Path
        from defender_desk.ui.app import Controller
        from defender_desk.gui_main import DesktopCore
        app = QApplication([])
        c = Controller(app, DesktopCore(Path(vault)), lang="kk", restart=lambda: None)
        c.start()
        c.window.passphrase.edit.setText(P)
        c.window.unlock()
        for key in list(c.main_window.screens):
            c.main_window.show_screen(key); app.processEvents()
        c.lock()
        print("offline ok")
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "offline ok" in proc.stdout
