"""The record at scale: 100,000 incidents in a real vault, side by side with plain SQLite.

Run through ``python bench/run_all.py record`` (which rewrites docs/performance.md), or alone:
``python bench/bench_record.py [--quick] [--size incidents=N] [--size one_by_one=N]
[--size evidence_mib=N]``.

1. A vault is created through :class:`Desk` with the *insecure cheap KDF* switch (for the
   creation only: the KDF is measured by ``bench_unlock``, not here). Its **plain twin** is an
   unencrypted database of the standard library's ``sqlite3``, made by the same migration
   files (and their Python steps), opened with the same pragmas (WAL, synchronous = FULL,
   secure_delete, foreign keys, temp_store = MEMORY), and written by the same ``RecordStore``
   code. The two are filled **in the same way, in turn, with the same records** (same ids):
   ~270 people, then ``one_by_one`` incidents each in its own transaction with its fsync
   (``Desk.add_incident`` on the vault; ``RecordStore.add_incident``'s steps with the vault's
   id on the twin), then the rest in batches of 5,000 per transaction through ``RecordStore``'s
   write function on both. Both full-text indexes therefore grow by the same incremental
   segments and merges (a bulk copy would hand the twin an index merged once, at its best).
   So the two columns differ by SQLCipher only: encryption and its SQLite build.
2. First list page, searches (first page, capped count, full count), one add and the overview
   counts are timed on both, in turn, in this run (medians).
3. Two fresh child processes open the plain twin through SQLCipher's own SQLite without a key,
   with ``cipher_memory_security`` OFF and ON, to show what the setting costs (issue 15 turned
   it off; once ON it stays on for the process, hence a process each).
4. A file is imported through ``Desk.add_evidence`` and encrypted by the ``age`` CLI (``age -r
   … -o … in``), in turn; peak memory of the import is measured in a child process (tracemalloc
   peak and the child's own peak RSS, VmHWM), and of ``age`` by GNU time.

Everything lives in a temporary directory that is removed at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from array import array
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyrage

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import textgen

from defender_desk.app import Desk
from defender_desk.domain import search
from defender_desk.domain.models import Incident, Person
from defender_desk.secret import Secret
from defender_desk.vault import db, kdf, records
from defender_desk.vault.records import IncidentFilter, RecordStore

NAME = "record"
SIZES = {
    "incidents": (100_000, 2_000, "incidents in the vault and in its plain twin"),
    "one_by_one": (5_000, 300, "of them added one by one (a transaction and an fsync each)"),
    "evidence_mib": (1024, 32, "the evidence file imported (MiB)"),
}
BATCH = 5_000
SEED = 20261125
PASSPHRASE = b"benchmark passphrase"
PAGE = 50
COUNT_CAP = 1_000
QUERIES = [
    ("Russian word", "коллектор"),
    ("Russian word, another form", "дочь"),
    ("Kazakh word", "әкімдік"),
    ("Kazakh word typed on a Russian layout", "акимдик"),
    ("English word", "bailiff"),
    ("2 characters", "ҚР"),
    ("1 character", "к"),
]
MiB = 1024 * 1024

Row = common.Row
ms = common.ms
timed = common.timed
alternate = common.alternate


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _log(message: str) -> None:
    print(f"  [record] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _cheap_kdf() -> Iterator[None]:
    old = os.environ.get(kdf.INSECURE_TEST_KDF_ENV)
    os.environ[kdf.INSECURE_TEST_KDF_ENV] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(kdf.INSECURE_TEST_KDF_ENV, None)
        else:
            os.environ[kdf.INSECURE_TEST_KDF_ENV] = old


def _vs(ours: float, plain: float) -> str:
    return f"{ms(ours)} (plain sqlite3: {ms(plain)})"


def _ratio(ours: float, plain: float) -> str:
    return f"×{ours / plain:.2f}" if plain > 0 else "—"


def _mib(n: float) -> str:
    return f"{n / MiB:,.0f} MiB" if n >= 10 * MiB else f"{n / MiB:.1f} MiB"


# -- the plain SQLite twin -----------------------------------------------------------------


def _plain_connect(path: Path) -> sqlite3.Connection:
    """Stdlib sqlite3 set up as ``db.connect`` sets up the vault after the key."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _plain_migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the app's migrations as ``db.migrate`` does (SQL files and their Python steps).
    Returns what had to be skipped: FTS5's ``secure-delete`` option needs SQLite 3.44, older
    stdlib builds lack it."""
    skipped: list[str] = []
    conn.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
    )
    for version, name, sql in db.migrations():
        with db.transaction(conn):
            for statement in db.split_sql(sql):
                if "'secure-delete'" in statement and sqlite3.sqlite_version_info < (3, 44):
                    skipped.append("FTS5 secure-delete")
                    continue
                conn.execute(statement)
            step = db.PYTHON_STEPS.get(version)
            if step is not None:
                step(conn)
            conn.execute("INSERT INTO schema_version(version, name) VALUES (?, ?)", (version, name))
    return sorted(set(skipped))


class Twin:
    """The plain twin, written with the vault's records and ids by ``RecordStore``'s code."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = _plain_connect(path)
        self.skipped = _plain_migrate(self.conn)
        self.store = RecordStore(self.conn, _utc_now)

    def reopen(self) -> None:
        self.conn.close()
        self.conn = _plain_connect(self.path)
        self.store = RecordStore(self.conn, _utc_now)

    def add_person(self, person: Person) -> None:
        with db.transaction(self.conn):
            self.store._write_person(person, "create")

    def add_incident(self, draft: dict[str, Any], incident_id: str) -> Incident:
        """``RecordStore.add_incident`` step by step, with the vault's id instead of a new one."""
        incident = records._validate(Incident, {**draft, "id": incident_id})
        people = self.store._check_people(incident)
        with db.transaction(self.conn):
            self.store._write_incident(incident, "create", people)
        return incident


def _write_batch(store: RecordStore, drafts: list[tuple[dict[str, Any], str]]) -> None:
    """A batch in one transaction through RecordStore's write function (validation, people
    check, row, links, search words, history revision — all but the per-add fsync)."""
    with db.transaction(store.conn):
        for draft, incident_id in drafts:
            incident = records._validate(Incident, {**draft, "id": incident_id})
            store._write_incident(incident, "create", store._check_people(incident))


# -- child processes -------------------------------------------------------------------------


def _child_import(source: Path) -> None:
    """In a fresh interpreter: make a small vault, import ``source``, print the memory figures."""
    before = common.vm_hwm() or 0
    with tempfile.TemporaryDirectory(prefix="dd-bench-child-") as tmp:
        with _cheap_kdf():
            desk = Desk(Path(tmp) / "vault")
            desk.create(Secret(PASSPHRASE))
        with desk:
            incident = desk.add_incident(
                {"category": "DD-SUMMONS", "title": "Повестка", "happened": "2024-03-01"}
            )
            opened = common.vm_hwm() or 0
            tracemalloc.start()
            seconds, _ = timed(lambda: desk.add_evidence(incident.id, source))
            _cur, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            after = common.vm_hwm() or 0
    print(
        json.dumps(
            {
                "before": before,
                "opened": opened,
                "after": after,
                "tracemalloc_peak": peak,
                "seconds": seconds,
            }
        )
    )


def _own_peak(argv: list[str], tmp: Path) -> int:
    """Run ``argv`` under GNU time; its own peak RSS in bytes."""
    mem = tmp / "peak.mem"
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(mem), *argv], check=True)
    kib = int(mem.read_text().split()[-1])
    mem.unlink()
    return kib * 1024


# -- the benchmark ---------------------------------------------------------------------------


def run(sizes: dict[str, int]) -> list[Row]:
    rows: list[Row] = []
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dd-bench-record-") as tmp_name:
        tmp = Path(tmp_name)
        desk = Desk(tmp / "vault")
        with _cheap_kdf():
            desk.create(Secret(PASSPHRASE))
        twin = Twin(tmp / "plain.db")
        try:
            filled, ids = _fill(desk, twin, sizes["incidents"], sizes["one_by_one"])
            rows += filled
            rows += _compare(desk, twin, tmp, ids, sizes["incidents"])
            rows += _evidence(desk, tmp, sizes["evidence_mib"])
        finally:
            desk.lock()
            twin.conn.close()
    rows.append(
        (
            "machine load during this benchmark",
            f"load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
            f" ({os.cpu_count()} cores); {time.perf_counter() - started:.0f} s in all",
            "other work on the machine inflates absolute times and fsync latency; the side-by-side"
            " figures alternate, so their ratios hold better than the absolute values",
        )
    )
    return rows


def _fill(
    desk: Desk, twin: Twin, total: int, one_by_one: int
) -> tuple[list[Row], dict[str, list[str]]]:
    gen = textgen.Generator(SEED)
    ids: dict[str, list[str]] = defaultdict(list)
    for person in gen.people():
        kind = textgen.kind_of(person)
        draft = {k: v for k, v in person.items() if not k.startswith("_")}
        made = desk.add_person(draft)
        twin.add_person(made)
        ids[kind].append(made.id)
    n_people = sum(len(v) for v in ids.values())

    ours = array("d")
    plain = array("d")
    lengths = array("l")
    one_by_one = min(one_by_one, total)
    start = time.perf_counter()
    for n in range(one_by_one):
        draft = gen.incident(ids)
        lengths.append(len(draft["description"]))
        t, incident = timed(lambda d=draft: desk.add_incident(d))
        ours.append(t)
        t, _ = timed(lambda d=draft, i=incident.id: twin.add_incident(d, i))
        plain.append(t)
        if (n + 1) % 1_000 == 0:
            _log(f"{n + 1:,} added one by one")
    batch_ours = batch_plain = 0.0
    done = one_by_one
    vault_store = desk.records
    while done < total:
        n = min(BATCH, total - done)
        drafts = [(gen.incident(ids), records.new_id("i")) for _ in range(n)]
        lengths.extend(len(d["description"]) for d, _ in drafts)
        batch_ours += timed(lambda b=drafts: _write_batch(vault_store, b))[0]
        batch_plain += timed(lambda b=drafts: _write_batch(twin.store, b))[0]
        done += n
        _log(f"{done:,} incidents")
    elapsed = time.perf_counter() - start

    langs = gen.languages
    share = " / ".join(
        f"{lang} {100 * langs[lang] / max(1, sum(langs.values())):.0f} %" for lang in textgen.LANGS
    )
    tail = min(1_000, len(ours))
    rows: list[Row] = [
        (
            "generated record",
            f"{total:,} incidents, {n_people} people",
            f"text {share}; description {statistics.fmean(lengths):.0f} characters on average"
            f" (max {max(lengths):,}); vault created with the insecure cheap-KDF test switch"
            " (the KDF is not measured here, see unlock)",
        ),
        (
            f"filling both: {one_by_one:,} added one by one, then {total - one_by_one:,} in"
            f" batches of {BATCH:,}",
            f"{elapsed:.0f} s for both",
            f"one by one (a transaction and an fsync each): vault"
            f" {statistics.median(ours) * 1000:.2f} ms, plain twin"
            f" {statistics.median(plain) * 1000:.2f} ms per add (medians; the last {tail:,}:"
            f" {statistics.median(ours[-tail:]) * 1000:.2f} · "
            f"{statistics.median(plain[-tail:]) * 1000:.2f} ms)"
            + (
                f"; batched: vault {batch_ours / (total - one_by_one) * 1000:.2f} ms, twin"
                f" {batch_plain / (total - one_by_one) * 1000:.2f} ms per row"
                if total > one_by_one
                else ""
            )
            + "; the same records in turn into both, so both indexes grew alike",
        ),
    ]
    return rows, ids


def _compare(desk: Desk, twin: Twin, tmp: Path, ids: dict[str, list[str]], total: int) -> list[Row]:
    rows: list[Row] = []
    desk.lock()  # checkpoints the WAL
    vault_size = desk.paths.db_file.stat().st_size
    desk.unlock(Secret(PASSPHRASE))
    twin.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain_size = twin.path.stat().st_size
    conn = desk.records.conn
    cipher_version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    cipher_sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    rows.append(
        (
            "database size",
            f"{_mib(vault_size)} (plain sqlite3: {_mib(plain_size)})",
            f"SQLCipher {cipher_version} on SQLite {cipher_sqlite}; stdlib sqlite3 is SQLite"
            f" {sqlite3.sqlite_version}"
            + (f", without {', '.join(twin.skipped)} (needs 3.44)" if twin.skipped else "")
            + "; same migrations, same pragmas, same records written the same way",
        )
    )

    # First page, cold: a fresh connection each time (the OS file cache stays warm); in turn.
    def desk_cold() -> None:
        desk.lock()
        desk.unlock(Secret(PASSPHRASE))

    def vault_page() -> list[Incident]:
        return desk.list_incidents(limit=PAGE, newest_first=True)

    def plain_page() -> list[Incident]:
        return twin.store.list_incidents(limit=PAGE, newest_first=True)

    cold_a: list[float] = []
    cold_b: list[float] = []
    for _ in range(5):
        desk_cold()
        cold_a.append(timed(vault_page)[0])
        twin.reopen()
        cold_b.append(timed(plain_page)[0])
    ca, cb = statistics.median(cold_a), statistics.median(cold_b)
    rows.append(
        (
            f"first list page, cold ({PAGE} rows, newest first)",
            _vs(ca, cb),
            f"{_ratio(ca, cb)}; first query on a fresh connection (right after unlock), ORDER BY"
            " sort_start, sort_rank, id DESC; median of 5, in turn",
        )
    )
    wa, wb, _, _ = alternate(vault_page, plain_page, 30)
    raw = [r[0] for r in desk.records.conn.execute("SELECT data FROM incidents LIMIT ?", (PAGE,))]
    parse_s = statistics.median(
        timed(lambda: [Incident.model_validate_json(d) for d in raw])[0] for _ in range(10)
    )
    rows.append(
        (
            f"first list page, warm ({PAGE} rows, newest first)",
            _vs(wa, wb),
            f"{_ratio(wa, wb)}; of which {ms(parse_s)} is JSON → model validation of the"
            f" {PAGE} records; median of 30, in turn",
        )
    )

    for label, word in QUERIES:
        flt = IncidentFilter(query=word)
        page_a, page_b, res_a, res_b = alternate(
            lambda f=flt: desk.list_incidents(f, limit=PAGE, newest_first=True),
            lambda f=flt: twin.store.list_incidents(f, limit=PAGE, newest_first=True),
            15,
        )
        cap_a, cap_b, _, _ = alternate(
            lambda f=flt: desk.count_incidents(f, cap=COUNT_CAP),
            lambda f=flt: twin.store.count_incidents(f, cap=COUNT_CAP),
            9,
        )
        full_a, full_b, n_a, n_b = alternate(
            lambda f=flt: desk.count_incidents(f),
            lambda f=flt: twin.store.count_incidents(f),
            5,
        )
        assert n_a == n_b and [i.id for i in res_a] == [i.id for i in res_b], word
        dense = n_a > records.DENSE_MATCHES
        rows.append(
            (
                f"search «{word}» ({label}): first page",
                _vs(page_a, page_b),
                f"{_ratio(page_a, page_b)}; {n_a:,} matches; count capped at {COUNT_CAP:,}"
                f" {_vs(cap_a, cap_b)}, full count {_vs(full_a, full_b)}; terms"
                f" {search.query_terms(word)} as word beginnings;"
                + (" walks the date index" if dense else " sorts the matches")
                + "; median of 15, in turn",
            )
        )

    # One add on the full record: same draft, same code, same transaction and fsync, in turn.
    gen = textgen.Generator(SEED + 1)
    drafts = [gen.incident(ids) for _ in range(25)]
    made: list[Incident] = []
    add_a: list[float] = []
    add_b: list[float] = []
    for draft in drafts:
        t, incident = timed(lambda d=draft: desk.add_incident(d))
        add_a.append(t)
        made.append(incident)
        add_b.append(timed(lambda d=draft, i=incident.id: twin.add_incident(d, i))[0])
    aa, ab = statistics.median(add_a), statistics.median(add_b)
    rows.append(
        (
            f"one add on the {total:,}-incident record",
            _vs(aa, ab),
            f"{_ratio(aa, ab)}; Desk.add_incident vs RecordStore.add_incident's steps on the"
            " twin: validation, one transaction with fsync (WAL, synchronous = FULL), links,"
            " search words, history revision; median of 25, in turn",
        )
    )
    rows += _overview(desk, twin)
    twin.conn.close()
    rows += _attribution(twin.path, tmp, ids, aa, ab)
    twin.conn = _plain_connect(twin.path)
    return rows


def _overview(desk: Desk, twin: Twin) -> list[Row]:
    """What the overview needs, counted in SQL: before, it loaded every incident."""

    def vault() -> Any:
        return (
            desk.actor_month_counts(),
            desk.uncertain_date_counts(),
            desk.actor_incident_counts(),
            desk.recent_incidents(10),
        )

    def plain() -> Any:
        s = twin.store
        return (
            s.month_counts(by_actor_kind=True),
            s.uncertain_counts(),
            s.actor_counts(),
            s.list_incidents(limit=10, newest_first=True),
        )

    a, b, got, _ = alternate(vault, plain, 9)
    parts = {
        "actor_month_counts": lambda: desk.actor_month_counts(),
        "incident_month_counts": lambda: desk.incident_month_counts(),
        "uncertain_date_counts": lambda: desk.uncertain_date_counts(),
        "actor_incident_counts": lambda: desk.actor_incident_counts(),
        "recent_incidents(10)": lambda: desk.recent_incidents(10),
    }
    each = "; ".join(
        f"{name} {ms(statistics.median(timed(fn)[0] for _ in range(5)))}"
        for name, fn in parts.items()
    )
    before, everything = timed(lambda: desk.list_incidents())
    people = desk.list_people()
    bucket_s = 0.0
    try:
        from defender_desk.ui.timeline import month_buckets  # the old way: pure, but in ui/

        bucket_s, _ = timed(lambda: month_buckets(everything, people))
    except ImportError:
        pass
    months = {(m.year, m.month) for m in got[0]}
    return [
        (
            "overview counts (per month and actor kind, uncertain dates, actors, 10 recent)",
            _vs(a, b),
            f"{_ratio(a, b)}; {len(months):,} months, {sum(u.count for u in got[1]):,} incidents"
            f" with an uncertain date counted apart; each: {each}; median of 9, in turn",
        ),
        (
            "overview, before: every incident loaded for the chart",
            f"{before + bucket_s:.2f} s",
            f"list_incidents() of {len(everything):,} incidents {before:.2f} s + month_buckets"
            f" {bucket_s:.2f} s; what the overview did until this change",
        ),
    ]


def _attribution(
    plain_path: Path, tmp: Path, ids: dict[str, list[str]], add_vault: float, add_plain: float
) -> list[Row]:
    """What ``cipher_memory_security`` costs: the plain twin opened through SQLCipher's own
    SQLite (no key, so unencrypted) in a fresh child per setting — once ON it cannot be turned
    off in a process (SQLCipher 4.5+)."""
    ids_file = tmp / "ids.json"
    ids_file.write_text(json.dumps(ids), encoding="utf-8")
    word = QUERIES[0][1]
    found: dict[str, dict[str, float]] = {}
    for setting in ("OFF", "ON"):
        out = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child-twin",
                str(plain_path),
                setting,
                str(ids_file),
                word,
            ],
            check=True,
            capture_output=True,
        ).stdout
        found[setting] = json.loads(out)
    off, on = found["OFF"], found["ON"]
    note = (
        "the plain file through SQLCipher's SQLite without a key, a fresh process per setting"
        f" (once ON it stays on for the process); median of {found['ON']['repeat']:.0f}; the app"
        " runs with it OFF since issue 15"
    )
    return [
        (
            f"why it is off: search «{word}» first page, plain file on SQLCipher's SQLite",
            f"cipher_memory_security OFF {ms(off['page'])} · ON {ms(on['page'])}",
            f"full count OFF {ms(off['count'])} · ON {ms(on['count'])}; {note}",
        ),
        (
            "why it is off: one add, plain file on SQLCipher's SQLite",
            f"cipher_memory_security OFF {ms(off['add'])} · ON {ms(on['add'])}",
            f"vs {ms(add_vault)} encrypted (the app) and {ms(add_plain)} on stdlib sqlite3; {note}",
        ),
    ]


def _child_twin(path: Path, setting: str, ids_file: Path, word: str) -> None:
    """In a fresh interpreter: the plain twin through sqlcipher3 without a key."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA cipher_memory_security = {'ON' if setting == 'ON' else 'OFF'}")
    for pragma in (
        "temp_store = MEMORY",
        "secure_delete = ON",
        "foreign_keys = ON",
        "journal_mode = WAL",
        "synchronous = FULL",
    ):
        conn.execute(f"PRAGMA {pragma}")
    store = RecordStore(conn, _utc_now)
    flt = IncidentFilter(query=word)
    store.count_incidents(flt)
    repeat = 15
    page = statistics.median(
        timed(lambda: store.list_incidents(flt, limit=PAGE, newest_first=True))[0]
        for _ in range(repeat)
    )
    count = statistics.median(timed(lambda: store.count_incidents(flt))[0] for _ in range(9))
    gen = textgen.Generator(SEED + 2)
    ids = json.loads(ids_file.read_text(encoding="utf-8"))
    drafts = [gen.incident(ids) for _ in range(repeat)]
    add = statistics.median(timed(lambda d=d: store.add_incident(d))[0] for d in drafts)
    conn.close()
    print(json.dumps({"page": page, "count": count, "add": add, "repeat": repeat}))


def _evidence(desk: Desk, tmp: Path, evidence_mib: int) -> list[Row]:
    size = evidence_mib * MiB
    source = tmp / "evidence.bin"
    with open(source, "wb") as f:
        for _ in range(evidence_mib // 16):
            f.write(os.urandom(16 * MiB))
        f.write(os.urandom(size - f.tell()))
        f.flush()
        os.fsync(f.fileno())
    with open(source, "rb") as f:  # into the OS cache, so neither side pays the first read
        while f.read(16 * MiB):
            pass
    incident = desk.list_incidents(limit=1)[0]
    recipient = str(pyrage.x25519.Identity.generate().to_public())
    out = tmp / "evidence.age"
    ours: list[float] = []
    age: list[float] = []
    age_sync: list[float] = []
    stored = age_size = 0
    for _ in range(3):
        t, evidence = timed(lambda: desk.add_evidence(incident.id, source))
        ours.append(t)
        stored = (desk.paths.objects / evidence.object_name).stat().st_size
        desk.delete_evidence(evidence.id)
        t, _ = timed(
            lambda: subprocess.run(
                ["age", "-r", recipient, "-o", str(out), str(source)], check=True
            )
        )
        age.append(t)
        fd = os.open(out, os.O_RDONLY)
        try:
            age_sync.append(timed(lambda fd=fd: os.fsync(fd))[0])
        finally:
            os.close(fd)
        age_size = out.stat().st_size
        out.unlink()
    a, b, s = statistics.median(ours), statistics.median(age), statistics.median(age_sync)
    gib = size / (1024 * MiB)
    label = f"{gib:g} GiB" if gib >= 1 else f"{evidence_mib} MiB"
    rows: list[Row] = [
        (
            f"evidence import, {label} file",
            f"{a:.2f} s, {size / MiB / a:,.0f} MiB/s (age CLI: {b:.2f} s + fsync {s:.2f} s)",
            f"Desk.add_evidence: read, SHA-256, pyrage encrypt_io, atomic write with fsync, row"
            f" + reindex; `age -r … -o …` does not fsync, so its fsync is timed apart; encrypted"
            f" sizes {stored:,} vs {age_size:,} bytes; source in the OS cache; median of 3, in"
            " turn",
        )
    ]
    env = dict(os.environ)
    env[kdf.INSECURE_TEST_KDF_ENV] = "1"
    raw = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child-import", str(source)],
        env=env,
        check=True,
        capture_output=True,
    ).stdout
    report = json.loads(raw)
    age_rss = _own_peak(["age", "-r", recipient, "-o", str(out), str(source)], tmp)
    out.unlink()
    rows.append(
        (
            f"peak memory of the {label} import",
            f"tracemalloc peak {_mib(report['tracemalloc_peak'])}; peak RSS"
            f" {_mib(report['after'])} (age CLI: {_mib(age_rss)})",
            f"a fresh child process, its own peak RSS (VmHWM); it was {_mib(report['opened'])}"
            " before the import (interpreter, pydantic, SQLCipher, an open vault), so the import"
            f" adds {_mib(max(0, report['after'] - report['opened']))}; age's own peak by GNU"
            " time -f %M",
        )
    )
    source.unlink()
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child-import":
        _child_import(Path(sys.argv[2]))
    elif len(sys.argv) == 6 and sys.argv[1] == "--child-twin":
        _child_twin(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), sys.argv[5])
    else:
        common.main(sys.modules[__name__], __doc__ or "")
