"""Issue 12, item 1: a wipe cannot be undone by a command that is still running.

The finding: a ``passwd`` (or ``rekey``, or any writing command) that had the vault open when
``wipe --yes`` ran wrote ``vault.key`` and the database back after the wipe reported "erased";
the new key file wrapped the same master key, so the deleted-but-carvable database opened with
the passphrase.

Each test runs the real CLI in a second process, stopped (``devswitches.pause``) at one writing
step with the vault open; runs ``wipe --yes`` in a third process; lets the second one go on. It
must refuse with "the vault was wiped", and afterwards there is no key file anywhere and nothing
that opens: not the folder, not a copy of the database taken just before the wipe.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from defender_desk.app import Desk
from defender_desk.devswitches import PAUSE_ENV
from defender_desk.errors import DefenderDeskError
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.vault import db, keyslots
from defender_desk.vault.keyslots import Role
from tests.conftest import PASS
from tests.pausing import Paused


def _vault(tmp_path: Path) -> tuple[Path, str, Path]:
    root = tmp_path / "vault"
    desk = Desk(root)
    code = desk.create(Secret.from_text(PASS)).recovery_code
    desk.add_incident({"category": "020103010000", "title": "т", "happened": "2021"})
    desk.lock()
    evidence = tmp_path / "photo.jpg"
    evidence.write_bytes(b"evidence " * 5000)
    return root, code, evidence


def _key_files(top: Path) -> list[Path]:
    """Every file under ``top`` that is, or begins like, a key file."""
    found = []
    for p in top.rglob("*"):
        if p.is_file() and (p.name.startswith("vault.key") or p.read_bytes()[:8] == keyslots.MAGIC):
            found.append(p)
    return found


def _nothing_opens(root: Path, copies: Path, code: str) -> None:
    assert _key_files(root.parent) == []  # not in the folder, nor anywhere beside it
    names = sorted(p.name for p in root.iterdir()) if root.exists() else []
    assert set(names) <= {"settings.json", "CACHEDIR.TAG", ".deja-dup-ignore"}, names
    for secret_try in (
        lambda d: d.unlock(Secret.from_text(PASS)),
        lambda d: d.recover(code, Secret.from_text("x")),
    ):
        with pytest.raises(DefenderDeskError):
            secret_try(Desk(root))
    # The copy of the database taken just before the wipe: no key file anywhere opens it.
    for key in _key_files(root.parent):  # (none: checked above; kept for the reader)
        header = keyslots.parse(key.read_bytes())
        opened = keyslots.open_with(header, Secret.from_text(PASS), Role.PASSPHRASE)
        with pytest.raises(DefenderDeskError):
            db.connect(copies / "vault.db", opened.master_key, migrate=False)


def _wipe(cli, root: Path) -> dict:
    r = cli(root, ["wipe", "--yes", "--json"])
    assert r.code == 0, r.err
    return json.loads(r.out)


CASES = [
    # (what she ran, the step it is stopped at, the fd lines)
    (["passwd"], "commit:vault.key", [PASS, "a new passphrase"]),
    (["passwd"], "db.commit", [PASS, "a new passphrase"]),
    (["incident", "add", "--category", "020103010000", "--title", "new", "--happened", "2022"],
     "db.commit", [PASS]),
    (["evidence", "add", "{incident}", "{evidence}"], "commit:object", [PASS]),
    (["rekey", "--keep-recovery-code"], "commit:vault.key.next", [PASS, PASS, "{code}"]),
    (["rekey", "--keep-recovery-code"], "commit:rekey.commit", [PASS, PASS, "{code}"]),
    (["rekey", "--keep-recovery-code"], "rekey.renames", [PASS, PASS, "{code}"]),
]  # fmt: skip


@pytest.mark.parametrize(("args", "step", "lines"), CASES, ids=[f"{c[0][0]}@{c[1]}" for c in CASES])
def test_a_command_stopped_at_a_write_writes_nothing_after_the_wipe(
    tmp_path, cli, args, step, lines
):
    root, code, evidence = _vault(tmp_path)
    d = Desk(root)
    d.unlock(Secret.from_text(PASS))
    incident = d.list_incidents()[0].id
    d.lock()
    subst = {"{incident}": incident, "{evidence}": str(evidence), "{code}": code}
    args = [subst.get(a, a) for a in args]
    lines = [subst.get(s, s) for s in lines]
    copies = tmp_path / "copies"
    with Paused.cli(step, root, args, tmp_path / "marker", lines) as child:
        child.wait()  # the vault is open in the child, which is about to write
        copies.mkdir()
        for f in root.glob("vault.db*"):  # what a carver could find of the database later
            shutil.copy2(f, copies / f.name)
        report = _wipe(cli, root)
        assert report["key_erased"] and report["other_instance"] and not report["other_closed"]
        rc, _out, err = child.release()
    assert rc == 5, err
    assert "the vault was wiped" in err
    _nothing_opens(root, copies, code)
    # The child finished the erasure as it exited: nothing is pending any more.
    assert not VaultPaths(root).wipe_signal.exists()


def test_a_key_written_just_before_the_signal_is_erased_by_the_second_pass(tmp_path, cli):
    """A header write that got past the gate after the key file was erased but before the
    signal went up lands — and the wipe's pass after the signal erases it."""
    root, code, _ = _vault(tmp_path)
    with Paused.cli("wipe.signal", root, ["wipe", "--yes", "--json"], tmp_path / "w") as wiper:
        wiper.wait()  # vault.key erased, database unlinked; no signal yet
        assert not (root / "vault.key").exists()
        r = cli(root, ["passwd"], [PASS, "too late"])
        # the database was unlinked under it: the command fails, but it did not write a key
        # file either, or it wrote one (when it got that far) which the next pass erases
        rc, out, err = wiper.release()
    assert rc == 0, err
    report = json.loads(out)
    assert r.code != 0
    assert report["key_erased"]
    assert _key_files(tmp_path) == []
    _nothing_opens(root, tmp_path, code)


def test_a_later_start_finishes_a_pending_wipe_instead_of_opening(tmp_path, cli):
    root, _code, _ = _vault(tmp_path)
    with Paused.cli("db.commit", root, ["passwd"], tmp_path / "m", [PASS, "new one"]) as child:
        child.wait()
        report = _wipe(cli, root)
        assert report["signal_pending"] and not report["other_closed"]
        # the child still holds the lock: a start now finds the wipe pending and refuses
        r = cli(root, ["status"], [PASS])
        assert r.code == 5 and "the vault was wiped" in r.err
        assert _key_files(tmp_path) == []
        child.kill()  # killed: it never finishes the erasure itself
    assert VaultPaths(root).wipe_signal.exists()
    r = cli(root, ["status"], [PASS])  # the next start finishes it
    assert r.code == 5 and "the vault was wiped" in r.err
    assert not root.exists() or not any(root.iterdir())
    r = cli(root, ["status"], [PASS])
    assert r.code == 5 and "there is no vault" in r.err


def test_the_report_says_only_what_is_true_about_another_process(tmp_path, cli):
    root, _code, _ = _vault(tmp_path)
    with Paused.cli("db.commit", root, ["passwd"], tmp_path / "m", [PASS, "x"]) as child:
        child.wait()
        r = cli(root, ["wipe", "--yes"])
        assert r.code == 0, r.err
        assert "told to" not in r.out  # the old claim, true of nothing we could check
        assert "still has the vault open" in r.out
        assert "refused every further write" in r.out
        child.release()
    # A holder that closes the vault within the wait (it polls the signal like the desktop
    # does): the report says it did.
    root2, _c, _ = _vault(tmp_path / "second")
    with Paused(
        "holder.ready", [sys.executable, "-c", _HOLD, str(root2), PASS], tmp_path / "h2"
    ) as h:
        h.wait()
        h.marker.unlink()  # let it poll
        r = cli(root2, ["wipe", "--yes", "--json"])
        report = json.loads(r.out)
        assert report["other_instance"] and report["other_closed"], report
        assert h.proc.wait(timeout=60) == 0


_HOLD = """
import sys, time
from pathlib import Path
from defender_desk import devswitches, wipe
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.vault import store

paths = VaultPaths(Path(sys.argv[1]))
vault = store.open_vault(paths, Secret.from_text(sys.argv[2]))
devswitches.pause("holder.ready")
while not wipe.wipe_requested(paths):
    time.sleep(0.05)
vault.forget()
wipe.finish_pending_wipe(paths)
"""


_WIPE = """
import json, sys
from pathlib import Path
from defender_desk import wipe
from defender_desk.paths import VaultPaths
report = wipe.wipe(VaultPaths(Path(sys.argv[1])), gate_wait_s=float(sys.argv[2]))
print(json.dumps(report.to_json()))
"""


def test_the_signal_waits_for_a_write_in_progress(tmp_path):
    """The wipe gate. A header write whose temporary file appeared after the wipe's first pass,
    and which checked for the signal before it went up, holds the gate until its rename is done:
    the signal waits for it, and the wipe's pass after the signal erases what it wrote. Without
    the gate the rename would land after the wipe had finished."""
    import subprocess

    root, _code, _ = _vault(tmp_path)
    marks = {name: tmp_path / name for name in ("before", "gated", "signal")}
    holder = Paused(
        "",
        [sys.executable, "-c", _WRITER, str(root), PASS],
        marks["before"],
        env={
            PAUSE_ENV: f"writer.before={marks['before']};gated:vault.key={marks['gated']}",
        },
    )
    with holder:
        holder.step = "writer.before"
        holder.wait()  # the vault is open; no header write has begun
        wiper = Paused(
            "wipe.signal",
            [sys.executable, "-c", _WIPE, str(root), "120"],
            marks["signal"],
        )
        with wiper:
            wiper.wait()  # key file erased, database unlinked, no signal yet
            assert not (root / "vault.key").exists()
            holder.marker.unlink()  # the writer checks (no signal), writes its temporary file
            holder.marker, holder.step = marks["gated"], "gated:vault.key"
            holder.wait()  # ... and holds the gate, about to rename
            wiper.marker.unlink()  # the wipe goes on: it must wait at the gate
            with pytest.raises(subprocess.TimeoutExpired):
                wiper.proc.wait(timeout=3)
            assert not (root / "wipe.signal").exists()
            rc, _out, err = holder.release()
            out, _ = wiper.proc.communicate(timeout=120)
    report = json.loads(out)
    assert report["key_rewrites"] == 1 and not report["gate_held"], report
    assert rc == 0, err  # its write was before the signal: not refused, but erased
    assert _key_files(tmp_path) == []


_WRITER = """
import sys
from pathlib import Path
from defender_desk import devswitches
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.vault import store

vault = store.open_vault(VaultPaths(Path(sys.argv[1])), Secret.from_text(sys.argv[2]))
devswitches.pause("writer.before")
safewrite = __import__("defender_desk.safewrite", fromlist=["x"])
safewrite.write_bytes(vault.paths.key_file, vault.header.to_bytes())  # a header write
vault.forget()
"""
