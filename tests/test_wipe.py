"""The panic wipe (issue 7, items 1, 2 and 4; "Proof: after the wipe").

Real vaults, real store functions, real processes: copies of the database taken just before a
wipe open nothing with the right passphrase; no key material is left on disk; a hard link taken
beforehand proves that vault.key was overwritten in place; a wipe while another process has the
vault open still erases the key at once, and that process notices the signal and finishes.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlcipher3

from defender_desk import settings as settings_mod
from defender_desk import wipe
from defender_desk.app import Desk
from defender_desk.errors import VaultDamaged, VaultInUse, VaultWiped
from defender_desk.instance import InstanceLock
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.vault import db, keyslots, store
from defender_desk.vault.records import RecordStore
from tests.conftest import PASS

CANARY = "Канарейка-7f3a9c"


def _now() -> datetime:
    return datetime.now(UTC)


def _incident(title: str) -> dict[str, object]:
    return {"category": "020103010000", "title": title, "happened": "2021"}


def _make_vault(tmp_path: Path, *, evidence: int = 2) -> tuple[VaultPaths, str]:
    """A vault with an incident and real evidence objects under objects/xx/; left locked."""
    root = tmp_path / "vault"
    desk = Desk(root)
    created = desk.create(Secret.from_text(PASS))
    files = []
    for i in range(evidence):
        f = tmp_path / f"photo-{i}.jpg"
        f.write_bytes(f"{CANARY} evidence {i}\n".encode() * 500)
        files.append(f)
    desk.add_incident(_incident(CANARY), files)
    desk.lock()
    return desk.paths, created.recovery_code


def _all_files(top: Path) -> list[Path]:
    return [p for p in top.rglob("*") if p.is_file()]


def _vault_names(root: Path) -> set[str]:
    return {p.name for p in root.iterdir()} if root.exists() else set()


# -- after the wipe ---------------------------------------------------------------------------


def test_copies_of_the_database_taken_just_before_open_nothing(tmp_path, cli):
    paths, code = _make_vault(tmp_path)
    vault = store.open_vault(paths, Secret.from_text(PASS))
    # A write after unlock lives in the WAL: the copy of -wal holds real content.
    RecordStore(vault.conn, _now).add_incident(_incident(CANARY + " in the WAL"))
    master = bytes(vault.master_key.buffer)
    assert vault.passphrase_key is not None
    keks = [bytes(vault.passphrase_key.kek.buffer)]
    header = keyslots.parse(paths.key_file.read_bytes())

    copies = tmp_path / "copies"
    copies.mkdir()
    for f in (paths.db_file, paths.wal_file):
        shutil.copy2(f, copies / f.name)
    assert (copies / "vault.db-wal").stat().st_size > 0

    report = wipe.wipe(paths, drop_keys=vault.forget)  # the wipe of an unlocked vault
    assert report.key_erased and report.complete, report.to_json()
    assert report.key_erased_after_s is not None
    assert 0 <= report.key_erased_after_s <= report.all_deleted_after_s
    assert not paths.root.exists()  # no settings were saved: nothing at all is left

    # Put the copies back where they were, beside the missing key file: refused.
    paths.root.mkdir(mode=0o700)
    for f in copies.iterdir():
        shutil.copy2(f, paths.root / f.name)
    with pytest.raises(VaultDamaged) as info:
        store.open_vault(paths, Secret.from_text(PASS))
    assert info.value.fields["what"] == "the key file vault.key is missing"
    with pytest.raises(VaultDamaged):
        store.recover(paths, code, Secret.from_text("a new passphrase"))
    r = cli(paths.root, ["status"], [PASS])
    assert r.code == 5, r.err
    assert "vault.key is missing" in r.err

    # The passphrase itself is not a key to the database (raw-key SQLCipher, PBKDF2 form).
    conn = sqlcipher3.connect(str(paths.db_file))
    try:
        conn.execute("PRAGMA key = '{}'".format(PASS.replace("'", "''")))
        with pytest.raises(sqlcipher3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()

    # No key material anywhere on disk: not the master key (raw or hex), not a key-encryption
    # key, not the header's salt, vault id, slots or magic.
    needles = {
        "master key": master,
        "master key hex": master.hex().encode(),
        "master key HEX": master.hex().upper().encode(),
        "master key hex UTF-16": master.hex().encode("utf-16-le"),
        "passphrase KEK": keks[0],
        "vault id": header.vault_id,
        "magic": keyslots.MAGIC,
        **{f"salt {i}": s.salt for i, s in enumerate(header.slots) if s.used},
        **{f"slot {i}": s.to_bytes() for i, s in enumerate(header.slots)},
    }
    for f in _all_files(tmp_path):
        data = f.read_bytes()
        for name, needle in needles.items():
            assert needle not in data, f"{name} found in {f.relative_to(tmp_path)}"

    # Control: the copies are a complete database, and only the key was missing.
    conn = db.connect(copies / "vault.db", Secret(master))
    try:
        assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 2
    finally:
        conn.close()


def test_vault_key_is_overwritten_in_place_not_replaced(tmp_path):
    paths, _code = _make_vault(tmp_path, evidence=0)
    old = paths.key_file.read_bytes()
    inode = os.stat(paths.key_file).st_ino
    link = tmp_path / "hard-link-to-vault.key"
    os.link(paths.key_file, link)  # keeps the inode alive after the unlink

    report = wipe.wipe(paths)

    assert report.key_erased
    assert not paths.key_file.exists()
    st = os.stat(link)
    assert st.st_ino == inode and st.st_nlink == 1
    new = link.read_bytes()
    assert len(new) == len(old) == keyslots.HEADER_LEN
    # Random, not the header: about len/256 positions agree by chance.
    assert sum(a == b for a, b in zip(old, new, strict=True)) < 20
    assert not new.startswith(keyslots.MAGIC)
    with pytest.raises(VaultDamaged):
        keyslots.parse(new)


def test_only_the_discreet_mode_settings_survive(tmp_path):
    paths, _code = _make_vault(tmp_path)
    assert any(paths.objects.rglob("*"))  # real objects under objects/xx/
    settings_mod.save(
        paths.settings_file,
        settings_mod.Settings(
            language="kk", discreet=True, auto_lock_minutes=3, notification_details=True
        ),
    )
    # A killed header write (wraps the master key) and a killed evidence import.
    (paths.root / ".dd-tmp-0123456789abcdef").write_bytes(paths.key_file.read_bytes())
    sub = next(p for p in paths.objects.iterdir() if p.is_dir())
    (sub / ".dd-tmp-fedcba9876543210").write_bytes(b"age ciphertext" * 100)
    header = paths.key_file.read_bytes()
    wipe.exclude_from_backups(paths.root)

    report = wipe.wipe(paths)

    assert report.complete and report.key_erased
    assert _vault_names(paths.root) == {"settings.json", *wipe.MARKERS}
    assert json.loads(paths.settings_file.read_text()) == {"discreet": True, "language": "kk"}
    kept = settings_mod.load(paths.settings_file)
    assert kept.discreet and kept.language == "kk"
    assert kept.auto_lock_minutes == settings_mod.Settings().auto_lock_minutes
    items = {e.item: e for e in report.erased}
    assert items[wipe.KEY_FILE].how == wipe.OVERWRITTEN
    assert items[wipe.HEADER_COPIES].files == 1
    assert items[wipe.EVIDENCE].files == 3  # two objects and the unfinished import
    assert items[wipe.DATABASE].files >= 1
    assert items[wipe.SETTINGS].how == wipe.RESET
    assert report.kept == ["discreet", "language"] and report.backup_markers
    for f in _all_files(paths.root):
        assert header[-100:] not in f.read_bytes()
    # The folder and the markers stay: a new vault made here is still excluded from backups.


def test_default_settings_are_deleted_and_every_other_file_too(tmp_path):
    """The vault folder belongs to the vault (init and restore refuse a folder holding anything
    else), so everything in it is erased whatever its name: what an interrupted key rotation
    left, a copy of the key file under another name, a sub-folder, anything."""
    paths, _code = _make_vault(tmp_path, evidence=0)
    settings_mod.save(paths.settings_file, settings_mod.Settings(auto_lock_minutes=7))
    key = paths.key_file.read_bytes()
    (paths.root / "vault.db.next").write_bytes(b"staged database")
    (paths.root / "rekey.commit").write_bytes(b"a marker")
    (paths.root / "copy of the key").write_bytes(key)
    (paths.root / "sub").mkdir()
    (paths.root / "sub" / "notes.txt").write_text("anything")
    link = tmp_path / "hard-link"
    os.link(paths.root / "copy of the key", link)
    report = wipe.wipe(paths)
    assert report.complete, report.to_json()
    assert not paths.root.exists()
    assert link.read_bytes() != key  # the copy of the key was overwritten in place, first
    items = {e.item: e for e in report.erased}
    assert (
        items[wipe.HEADER_COPIES].how == wipe.OVERWRITTEN and items[wipe.HEADER_COPIES].files == 1
    )
    assert items[wipe.OTHER_FILES].files == 3
    assert {e.item: e.how for e in report.erased}[wipe.SETTINGS] == wipe.DELETED
    assert report.kept == [] and report.left_alone == 0


def test_a_second_wipe_finds_nothing(tmp_path):
    paths, _code = _make_vault(tmp_path)
    settings_mod.save(paths.settings_file, settings_mod.Settings(discreet=True))
    first = wipe.wipe(paths)
    assert first.found and first.complete
    left = {p.name: p.read_bytes() for p in paths.root.iterdir()}

    second = wipe.wipe(paths)
    assert not second.found and second.complete
    assert second.erased == [] and second.not_erased == [] and not second.key_found
    assert second.headline().kind == "nothing"
    assert {p.name: p.read_bytes() for p in paths.root.iterdir()} == left

    nowhere = VaultPaths(tmp_path / "never-made")
    assert not wipe.wipe(nowhere).found
    assert not nowhere.root.exists()  # a wipe creates nothing


def test_a_vault_whose_key_is_already_gone_is_still_cleared(tmp_path, cli):
    paths, _code = _make_vault(tmp_path)
    paths.key_file.unlink()
    report = wipe.wipe(paths)
    assert report.found and report.complete
    assert not report.key_found and not report.key_erased
    assert report.headline().kind == "no_key_file"  # it does not claim what did not happen
    assert not paths.root.exists()

    paths, _code = _make_vault(tmp_path / "again")
    paths.key_file.unlink()
    r = cli(paths.root, ["wipe", "--yes"])
    assert r.code == 0, r.err
    assert "there was no vault.key" in r.out and "overwritten in place" not in r.out


def test_callbacks_run_and_a_failing_one_does_not_stop_the_wipe(tmp_path):
    paths, _code = _make_vault(tmp_path, evidence=0)
    calls: list[str] = []

    def clipboard() -> None:
        calls.append("clipboard")
        raise RuntimeError("no display")

    report = wipe.wipe(paths, clear_clipboard=clipboard, drop_keys=lambda: calls.append("keys"))
    assert calls == ["keys", "clipboard"]
    assert report.key_erased and not paths.key_file.exists() and not paths.db_file.exists()
    assert [(n.item, n.reason) for n in report.not_erased] == [(wipe.CLIPBOARD, "RuntimeError")]
    assert not report.complete


def test_a_header_write_after_the_signal_is_refused(tmp_path):
    """A passphrase change racing with the wipe, once the signal is up (here: the real
    write_header, run at the worst moment), writes nothing."""
    paths, _code = _make_vault(tmp_path, evidence=0)
    vault = store.open_vault(paths, Secret.from_text(PASS))
    refused: list[BaseException] = []

    def racing_writer() -> None:
        assert not paths.key_file.exists()
        try:
            vault.write_header()
        except VaultWiped as exc:
            refused.append(exc)
        assert not paths.key_file.exists()
        vault.forget()

    report = wipe.wipe(paths, drop_keys=racing_writer)
    assert refused and report.key_rewrites == 0 and report.key_erased
    assert not paths.key_file.exists()
    assert not paths.root.exists()


# -- another process has the vault open -------------------------------------------------------

_HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from defender_desk import wipe
    from defender_desk.paths import VaultPaths
    from defender_desk.secret import Secret
    from defender_desk.vault import store

    paths = VaultPaths(Path(sys.argv[1]))
    vault = store.open_vault(paths, Secret.from_text(sys.stdin.readline().rstrip("\\n")))
    vault.conn.execute("SELECT count(*) FROM incidents").fetchone()
    print("ready", flush=True)
    deadline = time.monotonic() + 120
    while not wipe.wipe_requested(paths):
        if time.monotonic() > deadline:
            print("timeout", flush=True)
            sys.exit(3)
        time.sleep(0.01)
    key_gone = not paths.key_file.exists()
    vault.forget()  # the protocol: drop the keys, release the lock ...
    report = wipe.finish_pending_wipe(paths)  # ... then finish the erasure
    print("noticed", key_gone, report is not None and not report.signal_pending, flush=True)
    """
)


def _read_line(proc: subprocess.Popen[str], timeout: float = 120) -> str:
    assert proc.stdout is not None
    ready, _w, _x = select.select([proc.stdout], [], [], timeout)
    assert ready, "the holder process did not answer"
    return proc.stdout.readline().strip()


def test_wipe_while_another_process_has_the_vault_open(tmp_path, cli):
    paths, _code = _make_vault(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(paths.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdin is not None
        proc.stdin.write(PASS + "\n")
        proc.stdin.flush()
        assert _read_line(proc) == "ready"
        lock = InstanceLock(paths.lock_file)
        with pytest.raises(VaultInUse):
            lock.acquire()  # the holder really has the vault open

        r = cli(paths.root, ["wipe", "--yes", "--json"])  # a third process, no passphrase

        assert r.code == 0, r.err
        report = json.loads(r.out)
        # (signal_pending may already be false: the holder polls every 10 ms and may have
        # finished before this wipe did.)
        assert report["key_erased"] and report["other_instance"]
        assert not paths.key_file.exists()  # at once, not when the holder gets round to it
        assert not paths.db_file.exists()
        assert _read_line(proc) == "noticed True True"
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not paths.root.exists()  # the holder finished: lock file and signal removed too


def test_signal_left_by_a_killed_instance_is_finished_at_the_next_start(tmp_path):
    paths, _code = _make_vault(tmp_path, evidence=0)
    assert not wipe.wipe_requested(paths)
    assert wipe.finish_pending_wipe(paths) is None  # nothing pending: nothing touched
    assert paths.key_file.exists()

    holder = InstanceLock(paths.lock_file).acquire()  # an instance that will be killed
    report = wipe.wipe(paths)
    assert report.key_erased and report.other_instance and report.signal_pending
    assert wipe.wipe_requested(paths)
    assert _vault_names(paths.root) == {"vault.lock", "wipe.signal"}
    assert paths.wipe_signal.read_bytes() == b""  # the signal carries nothing
    assert any(line.kind == "other_instance" for line in report.not_erased_lines())
    holder.release()  # killed: the OS drops its lock

    finished = wipe.finish_pending_wipe(paths)
    assert finished is not None and not finished.signal_pending
    assert not wipe.wipe_requested(paths)
    assert not paths.root.exists()


# -- failures are reported, not hidden --------------------------------------------------------


def _chattr(flag: str, path: Path) -> bool:
    try:
        return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0
    except OSError:
        return False


def test_evidence_that_cannot_be_deleted_is_reported(tmp_path, cli):
    paths, _code = _make_vault(tmp_path)
    stuck = next(p for p in paths.objects.rglob("*") if p.is_file())
    assert _chattr("+i", stuck), "needs chattr +i (e2fsprogs; root on ext4/btrfs/xfs)"
    try:
        r = cli(paths.root, ["wipe", "--yes"])
        assert r.code == 1
        assert "vault.key: overwritten in place" in r.out
        assert "the evidence files: not deleted (permission denied); files left: 1" in r.out
        assert not paths.key_file.exists()
        assert stuck.exists()
    finally:
        _chattr("-i", stuck)


def test_a_vault_key_that_cannot_be_overwritten_is_reported(tmp_path, cli):
    paths, _code = _make_vault(tmp_path, evidence=0)
    assert _chattr("+i", paths.key_file), "needs chattr +i (e2fsprogs; root on ext4/btrfs/xfs)"
    try:
        report = wipe.wipe(paths)
        assert report.key_found and not report.key_erased
        assert report.key_erased_after_s is None
        assert report.not_erased[0].item == wipe.KEY_FILE
        assert report.not_erased[0].reason == "permission denied"
        assert report.headline().kind == "key_not_erased"
        assert paths.key_file.exists()
        r = cli(paths.root, ["wipe", "--yes"])
        assert r.code == 1
        assert "NOT made unreadable" in r.out
        assert "vault.key could not be overwritten (permission denied)" in r.out
    finally:
        _chattr("-i", paths.key_file)


# -- the CLI contract -------------------------------------------------------------------------


def test_cli_wipe_without_yes_erases_nothing_and_says_what_it_would(cli, made_vault):
    vault, _code = made_vault
    before = {p.name: p.read_bytes() for p in vault.iterdir()}
    r = cli(vault, ["wipe"])
    assert r.code == 2
    assert r.out == ""
    assert "wipe needs --yes; nothing was erased" in r.err
    assert "vault.key, the key to everything" in r.err
    assert "the database with every record" in r.err
    assert {p.name: p.read_bytes() for p in vault.iterdir()} == before
    assert cli(vault, ["status"], [PASS]).code == 0


def test_cli_wipe_yes_needs_no_passphrase_and_tells_the_truth(cli, made_vault):
    vault, _code = made_vault
    r = cli(vault, ["wipe", "--yes"])  # nothing on the passphrase fd
    assert r.code == 0, r.err
    out = r.out
    assert f"the vault in {vault} was erased" in out
    assert "vault.key: overwritten in place with random bytes" in out
    assert "What this erasure cannot reach:" in out
    for phrase in (
        "SSDs",
        "snapshots",
        "backups of the home folder",
        "saved for court",
        "a copy of the disk made before",
        "cannot be hidden",
    ):
        assert phrase in out, phrase
    assert "{" not in out  # every placeholder was filled
    assert not vault.exists()
    assert cli(vault, ["status"], [PASS]).code == 5

    r = cli(vault, ["wipe", "--yes"])
    assert r.code == 0
    assert "there was no vault to erase" in r.out
    r = cli(vault, ["wipe", "--yes", "--json"])
    assert json.loads(r.out)["found"] is False


def test_cli_wipe_in_another_language_runs(cli, made_vault):
    vault, _code = made_vault
    r = cli(vault, ["wipe", "--yes"], lang="ru")
    assert r.code == 0, r.err
    assert not (vault / "vault.key").exists()


# -- backups ----------------------------------------------------------------------------------


def test_backup_exclusion_markers_are_honoured_by_gnu_tar(tmp_path):
    paths, _code = _make_vault(tmp_path, evidence=1)
    done = wipe.exclude_from_backups(paths.root)
    assert any("CACHEDIR.TAG" in d for d in done)
    tag = (paths.root / wipe.CACHEDIR_TAG).read_bytes()
    assert tag.startswith(wipe.CACHEDIR_SIGNATURE)  # the spec's exact first 43 bytes
    assert b"not a cache" in tag
    # neutral: nothing in it tells an examiner that a backup exists elsewhere
    assert b"backed up" not in tag and b"encrypted" not in tag
    assert (paths.root / wipe.DEJA_DUP_IGNORE).read_bytes() == b""
    assert wipe.exclude_from_backups(paths.root) == done  # idempotent

    assert shutil.which("tar"), "GNU tar is missing: bash tools/apt.sh tools/apt-packages.txt"
    listing = subprocess.run(
        ["tar", "-cf", "-", "--exclude-caches", "-C", str(tmp_path), "vault"],
        capture_output=True,
        check=True,
    )
    names = subprocess.run(
        ["tar", "-tf", "-"], input=listing.stdout, capture_output=True, check=True
    ).stdout.decode()
    assert "vault.key" not in names and "vault.db" not in names and "objects" not in names
    assert "vault/CACHEDIR.TAG" in names  # tar keeps the tag itself, as the spec says
    plain = subprocess.run(
        ["tar", "-cf", "-", "-C", str(tmp_path), "vault"], capture_output=True, check=True
    )
    assert b"vault.key" in plain.stdout  # control: without the option the key is archived


def test_backup_exclusion_says_what_it_cannot_do_elsewhere(tmp_path, monkeypatch):
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    win = wipe.exclude_from_backups(tmp_path / "w", platform="win32")
    assert any("without administrator rights" in d for d in win)
    assert (tmp_path / "w" / wipe.CACHEDIR_TAG).exists()
    assert not (tmp_path / "w" / wipe.DEJA_DUP_IGNORE).exists()
    # The real code path to tmutil, which is absent here: reported, not hidden.
    mac = wipe.exclude_from_backups(tmp_path / "m", platform="darwin")
    if shutil.which("tmutil") is None:
        assert any("could not be excluded" in d for d in mac)
    assert any("local snapshots" in d for d in mac)


def test_report_limits_are_per_platform():
    def text(platform: str, fs: str | None = None) -> str:
        return " ".join(
            line.template.format(**line.fields) for line in wipe.limits_for(platform, fs, False)
        )

    assert "shadow copies" in text("win32")
    assert "Time Machine and APFS local snapshots" in text("darwin")
    assert "this folder is on btrfs" in text("linux", "btrfs")
    for platform in ("win32", "darwin", "linux"):
        t = text(platform)
        assert "SSDs" in t and "saved for court" in t and "cannot be hidden" in t


def test_filesystem_type_agrees_with_findmnt(tmp_path):
    assert sys.platform.startswith("linux")
    assert shutil.which("findmnt"), "findmnt is missing: bash tools/apt.sh tools/apt-packages.txt"
    expected = subprocess.run(
        ["findmnt", "-n", "-o", "FSTYPE", "-T", str(tmp_path)], capture_output=True, text=True
    ).stdout.strip()
    assert wipe.filesystem_type(tmp_path) == expected
    assert wipe.filesystem_type(tmp_path / "not" / "yet") == expected


# -- process hardening (issue 7, item 4) ------------------------------------------------------


def test_the_cli_entry_point_hardens_before_it_works(tmp_path):
    """The real entry point, running a real command, has core dumps off and is not dumpable
    (so not attachable with ptrace by other processes of the same user)."""
    code = textwrap.dedent(
        f"""
        import ctypes, resource, sys
        from defender_desk.cli import main
        rc = main(["--vault-dir", {str(tmp_path / "v")!r}, "wipe", "--yes"])
        assert rc == 0, rc
        assert resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)
        assert ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 0  # PR_GET_DUMPABLE
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_crash_writes_only_to_stderr_and_leaves_no_core_file(tmp_path):
    code = textwrap.dedent(
        """
        import faulthandler
        from defender_desk.hardening import harden_process
        harden_process()
        assert faulthandler.is_enabled()
        faulthandler._sigsegv()
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode < 0  # killed by the signal
    assert "Fatal Python error" in proc.stderr
    assert list(tmp_path.iterdir()) == []  # no core file, no log file


def test_an_unexpected_error_shows_its_type_never_its_text(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        from defender_desk.cli import main, wipe_cmds

        def broken(args):
            raise RuntimeError({CANARY!r})

        wipe_cmds.cmd_wipe = broken
        sys.exit(main(["--vault-dir", {str(tmp_path / "v")!r}, "wipe", "--yes"]))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 1
    assert "RuntimeError" in proc.stderr
    assert CANARY not in proc.stderr + proc.stdout
    assert list(tmp_path.iterdir()) == []
