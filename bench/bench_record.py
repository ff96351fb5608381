"""The record at scale: 100,000 incidents in a real vault, side by side with plain SQLite.

Run through ``python bench/run_all.py record`` (which rewrites docs/performance.md).

1. A vault is created through :class:`Desk` with the *insecure cheap KDF* switch (for the
   creation only: the KDF is measured by ``bench_unlock``, not here), and 100,000 generated
   incidents (``textgen``: Russian, Kazakh and English text, ~270 people, tags, summons
   details) are added one by one through ``Desk.add_incident`` — one transaction and one fsync
   each, as the app does. Should that be projected to take more than ten minutes, the rest is
   written in batches through ``RecordStore``'s internal write function inside one transaction
   per batch (the table says so).
2. A plain, unencrypted ``sqlite3`` (standard library) database gets the same migration files
   and a copy of the same rows, and is opened with the same pragmas (WAL, synchronous = FULL,
   secure_delete, foreign keys). Its records are read and written by the same ``RecordStore``
   code, so the two columns differ by SQLCipher only: encryption, its SQLite build, and
   ``cipher_memory_security = ON`` (which ``db.connect`` sets).
3. First list page, full-text searches and one add are timed on both, alternating, in this run.
   Two fresh child processes then open the plain twin through SQLCipher's own SQLite without a
   key, with memory security OFF and ON, to show which of the three the difference comes from.
4. A 1 GiB file is imported through ``Desk.add_evidence`` and encrypted by the ``age`` CLI
   (``age -r … -o … in``), alternating; peak memory of the import is measured in a child
   process (tracemalloc peak and the child's peak RSS, VmHWM: see :func:`_vm_hwm` for why
   not ``ru_maxrss``), and of ``age`` by sampling its VmHWM.

``BENCH_RECORD_INCIDENTS`` and ``BENCH_RECORD_EVIDENCE_MIB`` shrink the run for a quick try.
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
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyrage
import textgen  # bench/ is on the path: run_all.py puts it there, a script run has it first

from defender_desk.app import Desk
from defender_desk.domain.models import Incident
from defender_desk.secret import Secret
from defender_desk.vault import db, kdf, records
from defender_desk.vault.records import IncidentFilter, RecordStore

NAME = "record"
INCIDENTS = int(os.environ.get("BENCH_RECORD_INCIDENTS", "100000"))
EVIDENCE_MIB = int(os.environ.get("BENCH_RECORD_EVIDENCE_MIB", "1024"))
FACADE_BUDGET_S = 600.0  # beyond this (projected), the rest of the rows go in batches
BATCH = 5_000
SEED = 20261125
PASSPHRASE = b"benchmark passphrase"
PAGE = 50
QUERIES = [
    ("Russian word", "коллектор"),
    ("Kazakh word", "әкімдік"),
    ("English word", "bailiff"),
    ("2 characters, LIKE scan", "ҚР"),
]
MiB = 1024 * 1024

Row = tuple[str, str, str]


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


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    if ms < 1:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    if ms < 1_000:
        return f"{ms:.0f} ms"
    return f"{seconds:.2f} s"


def _vs(ours: float, plain: float) -> str:
    return f"{_ms(ours)} (plain sqlite3: {_ms(plain)})"


def _ratio(ours: float, plain: float) -> str:
    return f"×{ours / plain:.2f}" if plain > 0 else "—"


def _mib(n: float) -> str:
    return f"{n / MiB:,.0f} MiB" if n >= 10 * MiB else f"{n / MiB:.1f} MiB"


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def _alternate(
    ours: Callable[[], Any], plain: Callable[[], Any], repeat: int
) -> tuple[float, float, Any, Any]:
    """Median seconds of each, run alternately (so drift hits both); the last results."""
    a: list[float] = []
    b: list[float] = []
    ra = rb = None
    for _ in range(repeat):
        t, ra = _timed(ours)
        a.append(t)
        t, rb = _timed(plain)
        b.append(t)
    return statistics.median(a), statistics.median(b), ra, rb


# -- the plain SQLite twin -----------------------------------------------------------------


def _plain_connect(path: Path) -> sqlite3.Connection:
    """Stdlib sqlite3 set up as ``db.connect`` sets up the vault after the key: the same
    pragmas and the same SQL function (the full case folding of short searches)."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    fold = getattr(db, "_fold", None)
    if fold is not None:
        conn.create_function("dd_fold", 1, fold, deterministic=True)
    return conn


def _plain_migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the app's migration files as ``db.migrate`` does. Returns what had to be skipped:
    FTS5's ``secure-delete`` option needs SQLite 3.44, older stdlib builds lack it."""
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
            conn.execute("INSERT INTO schema_version(version, name) VALUES (?, ?)", (version, name))
    return skipped


def _copy_rows(src: Any, dst: sqlite3.Connection) -> None:
    """The same rows, table by table (never ``meta``: it holds the vault's secrets)."""
    tables = ["people", "incidents", "incident_people", "evidence", "revisions"]
    with db.transaction(dst):
        for table in tables:
            cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(cols)
            marks = ", ".join("?" * len(cols))
            cur = src.execute(f"SELECT {names} FROM {table} ORDER BY rowid")
            while chunk := cur.fetchmany(2_000):
                dst.executemany(f"INSERT INTO {table}({names}) VALUES ({marks})", chunk)
        cols = ["rowid", "title", "body", "people", "tags", "files"]
        names = ", ".join(cols)
        cur = src.execute(f"SELECT {names} FROM incident_search ORDER BY rowid")
        while chunk := cur.fetchmany(2_000):
            dst.executemany(
                f"INSERT INTO incident_search({names}) VALUES (?, ?, ?, ?, ?, ?)", chunk
            )


# -- child processes -------------------------------------------------------------------------


def _vm_hwm(pid: int | str = "self") -> int | None:
    """Peak resident set of a process's current memory image (bytes), from /proc.

    Not ``ru_maxrss``: Linux carries the parent's peak over an exec (``subprocess`` uses
    vfork), so a child started from this big process would "use" as much as its parent did."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _run_polled(argv: list[str], env: dict[str, str] | None = None) -> tuple[bytes, int]:
    """Run a child; return its stdout and its peak RSS, sampled every 10 ms (VmHWM only grows,
    so the last sample before the exit is the peak, short of the last 10 ms)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _vm_hwm(proc.pid) or 0)
        time.sleep(0.01)
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited with {proc.returncode}")
    return out, peak


def _child_import(source: Path) -> None:
    """In a fresh interpreter: make a small vault, import ``source``, print the memory figures."""
    before = _vm_hwm() or 0
    with tempfile.TemporaryDirectory(prefix="dd-bench-child-") as tmp:
        with _cheap_kdf():
            desk = Desk(Path(tmp) / "vault")
            desk.create(Secret(PASSPHRASE))
        with desk:
            incident = desk.add_incident(
                {"category": "DD-SUMMONS", "title": "Повестка", "happened": "2024-03-01"}
            )
            opened = _vm_hwm() or 0
            tracemalloc.start()
            seconds, _ = _timed(lambda: desk.add_evidence(incident.id, source))
            _cur, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            after = _vm_hwm() or 0
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


# -- the benchmark ---------------------------------------------------------------------------


def run() -> list[Row]:
    rows: list[Row] = []
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dd-bench-record-") as tmp_name:
        tmp = Path(tmp_name)
        desk = Desk(tmp / "vault")
        with _cheap_kdf():
            desk.create(Secret(PASSPHRASE))
        try:
            filled, ids = _fill(desk)
            rows += filled
            rows += _compare(desk, tmp, ids)
            rows += _evidence(desk, tmp)
        finally:
            desk.lock()
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


def _fill(desk: Desk) -> tuple[list[Row], dict[str, list[str]]]:
    gen = textgen.Generator(SEED)
    ids: dict[str, list[str]] = defaultdict(list)
    for person in gen.people():
        kind = textgen.kind_of(person)
        draft = {k: v for k, v in person.items() if not k.startswith("_")}
        ids[kind].append(desk.add_person(draft).id)
    n_people = sum(len(v) for v in ids.values())

    add_times = array("d")
    lengths = array("l")
    facade_rows = 0
    start = time.perf_counter()
    batched_seconds = 0.0
    done = 0
    while done < INCIDENTS:
        if done and done % 5_000 == 0:
            elapsed = time.perf_counter() - start
            recent = statistics.fmean(add_times[-2_000:])
            projected = elapsed + recent * (INCIDENTS - done) * 1.2
            if facade_rows == done and projected > FACADE_BUDGET_S:
                _log(f"facade projected at {projected:.0f} s: the rest goes in batches")
                batched_seconds = _fill_batched(desk, gen, ids, INCIDENTS - done, lengths)
                done = INCIDENTS
                break
            if done % 10_000 == 0:
                _log(f"{done:,} incidents, {elapsed:.0f} s, {recent * 1000:.2f} ms per add")
        draft = gen.incident(ids)
        lengths.append(len(draft["description"]))
        t0 = time.perf_counter()
        desk.add_incident(draft)
        add_times.append(time.perf_counter() - t0)
        done += 1
        facade_rows += 1
    total = time.perf_counter() - start

    langs = gen.languages
    share = " / ".join(
        f"{lang} {100 * langs[lang] / max(1, sum(langs.values())):.0f} %" for lang in textgen.LANGS
    )
    sorted_times = sorted(add_times)
    p99 = sorted_times[int(len(sorted_times) * 0.99)] if sorted_times else 0.0
    rows: list[Row] = [
        (
            "generated record",
            f"{INCIDENTS:,} incidents, {n_people} people",
            f"text {share}; description {statistics.fmean(lengths):.0f} characters on average"
            f" (max {max(lengths):,}); vault created with the insecure cheap-KDF test switch"
            " (the KDF is not measured here, see unlock)",
        )
    ]
    if facade_rows == INCIDENTS:
        rows.append(
            (
                f"bulk entry: {INCIDENTS:,} × Desk.add_incident",
                f"{total:.0f} s",
                f"{statistics.median(add_times) * 1000:.2f} ms per add (median; p99"
                f" {p99 * 1000:.2f} ms; first 1,000 {statistics.fmean(add_times[:1000]) * 1000:.2f}"
                f" ms, last 1,000 {statistics.fmean(add_times[-1000:]) * 1000:.2f} ms); one"
                " transaction + fsync per incident, validation, history chain, search index",
            )
        )
    else:
        rows.append(
            (
                f"bulk entry: {facade_rows:,} × Desk.add_incident, then"
                f" {INCIDENTS - facade_rows:,} batched",
                f"{total:.0f} s",
                f"facade {statistics.median(add_times) * 1000:.2f} ms per add (median of the first"
                f" {facade_rows:,}; p99 {p99 * 1000:.2f} ms); it was projected past"
                f" {FACADE_BUDGET_S / 60:.0f} minutes, so the rest went in batches of {BATCH:,}"
                " (one transaction each) through RecordStore's write function:"
                f" {batched_seconds / (INCIDENTS - facade_rows) * 1000:.2f} ms per row",
            )
        )
    return rows, ids


def _fill_batched(
    desk: Desk,
    gen: textgen.Generator,
    ids: dict[str, list[str]],
    count: int,
    lengths: Any,
) -> float:
    store = desk.records
    seconds = 0.0
    left = count
    while left:
        n = min(BATCH, left)
        drafts = [gen.incident(ids) for _ in range(n)]
        lengths.extend(len(d["description"]) for d in drafts)
        t0 = time.perf_counter()
        with db.transaction(store.conn):
            for draft in drafts:
                incident = records._validate(Incident, {**draft, "id": records.new_id("i")})
                store._write_incident(incident, "create")
        seconds += time.perf_counter() - t0
        left -= n
    return seconds


def _compare(desk: Desk, tmp: Path, ids: dict[str, list[str]]) -> list[Row]:
    rows: list[Row] = []
    desk.lock()  # checkpoints the WAL
    vault_size = (desk.paths.db_file).stat().st_size
    desk.unlock(Secret(PASSPHRASE))

    plain_path = tmp / "plain.db"
    plain = _plain_connect(plain_path)
    skipped = _plain_migrate(plain)
    copy_s, _ = _timed(lambda: _copy_rows(desk.records.conn, plain))
    plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain_size = plain_path.stat().st_size
    _log(f"plain copy made in {copy_s:.0f} s")
    cipher_version = desk.records.conn.execute("PRAGMA cipher_version").fetchone()[0]
    cipher_sqlite = desk.records.conn.execute("SELECT sqlite_version()").fetchone()[0]
    rows.append(
        (
            "database size",
            f"{_mib(vault_size)} (plain sqlite3: {_mib(plain_size)})",
            f"SQLCipher {cipher_version} on SQLite {cipher_sqlite}; stdlib sqlite3 is SQLite"
            f" {sqlite3.sqlite_version}"
            + (f", without {', '.join(skipped)} (needs 3.44)" if skipped else "")
            + "; same migration files, same pragmas, same rows",
        )
    )
    plain_store = RecordStore(plain, _utc_now)

    # First page, cold: a fresh connection each time (the OS file cache stays warm).
    def desk_cold() -> float:
        desk.lock()
        desk.unlock(Secret(PASSPHRASE))
        t, page = _timed(lambda: desk.list_incidents(limit=PAGE, newest_first=True))
        assert len(page) == PAGE
        return t

    def plain_cold() -> float:
        nonlocal plain, plain_store
        plain.close()
        plain = _plain_connect(plain_path)
        plain_store = RecordStore(plain, _utc_now)
        t, page = _timed(lambda: plain_store.list_incidents(limit=PAGE, newest_first=True))
        assert len(page) == PAGE
        return t

    cold_a = statistics.median(desk_cold() for _ in range(5))
    cold_b = statistics.median(plain_cold() for _ in range(5))
    rows.append(
        (
            f"first list page, cold ({PAGE} rows, newest first)",
            _vs(cold_a, cold_b),
            f"{_ratio(cold_a, cold_b)}; first query on a fresh connection (right after"
            " unlock), ORDER BY sort_start, sort_rank, id DESC; median of 5",
        )
    )
    warm_a, warm_b, _, _ = _alternate(
        lambda: desk.list_incidents(limit=PAGE, newest_first=True),
        lambda: plain_store.list_incidents(limit=PAGE, newest_first=True),
        30,
    )
    raw = [r[0] for r in desk.records.conn.execute("SELECT data FROM incidents LIMIT ?", (PAGE,))]
    parse_s = statistics.median(
        _timed(lambda: [Incident.model_validate_json(d) for d in raw])[0] for _ in range(10)
    )
    rows.append(
        (
            f"first list page, warm ({PAGE} rows, newest first)",
            _vs(warm_a, warm_b),
            f"{_ratio(warm_a, warm_b)}; of which {_ms(parse_s)} is JSON → model validation of"
            f" the {PAGE} records; median of 30",
        )
    )

    fold = hasattr(db, "_fold")
    for label, word in QUERIES:
        flt = IncidentFilter(query=word)
        page_a, page_b, res_a, res_b = _alternate(
            lambda f=flt: desk.list_incidents(f, limit=PAGE, newest_first=True),
            lambda f=flt: plain_store.list_incidents(f, limit=PAGE, newest_first=True),
            5 if len(word) < 3 else 15,
        )
        count_a, count_b, n_a, n_b = _alternate(
            lambda f=flt: desk.count_incidents(f),
            lambda f=flt: plain_store.count_incidents(f),
            3 if len(word) < 3 else 9,
        )
        assert n_a == n_b and [i.id for i in res_a] == [i.id for i in res_b]
        if len(word) >= 3:
            how = "FTS5 trigram MATCH (phrase)"
        else:
            lower = desk.count_incidents(IncidentFilter(query=word.lower()))
            how = (
                "under 3 characters the trigram index cannot help: a scan of all five columns"
                " of every row"
                + (", each case-folded by a Python callback (dd_fold) before LIKE" if fold else "")
                + f"; «{word.lower()}» finds {lower:,}"
                + (" (SQLite's LIKE folds ASCII letters only)" if lower != n_a else "")
            )
        rows.append(
            (
                f"search «{word}» ({label}): first page",
                _vs(page_a, page_b),
                f"{_ratio(page_a, page_b)}; {n_a:,} matches, count(*)"
                f" {_vs(count_a, count_b)}; {how}",
            )
        )

    # One add on the full record: same draft shape, same code, alternating.
    gen = textgen.Generator(SEED + 1)
    drafts = iter([gen.incident(ids) for _ in range(50)])
    add_a, add_b, _, _ = _alternate(
        lambda: desk.add_incident(next(drafts)),
        lambda: plain_store.add_incident(next(drafts)),
        25,
    )
    rows.append(
        (
            f"one add on the {INCIDENTS:,}-incident record",
            _vs(add_a, add_b),
            f"{_ratio(add_a, add_b)}; Desk.add_incident vs RecordStore.add_incident on the plain"
            " twin: validation, one transaction with fsync (WAL, synchronous = FULL), history"
            " revision, search row; median of 25",
        )
    )
    plain.close()
    rows += _attribution(plain_path, tmp, ids, add_a, add_b)
    plain_path.unlink()
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(plain_path) + suffix).unlink()
    return rows


def _attribution(
    plain_path: Path, tmp: Path, ids: dict[str, list[str]], add_vault: float, add_plain: float
) -> list[Row]:
    """Where the difference comes from: the plain twin opened through SQLCipher's own SQLite
    (no key, so unencrypted) in a fresh child per ``cipher_memory_security`` setting — once ON
    it cannot be turned off in a process (SQLCipher 4.5+), and the app turns it ON."""
    ids_file = tmp / "ids.json"
    ids_file.write_text(json.dumps(ids), encoding="utf-8")
    word = QUERIES[0][1]
    found: dict[str, dict[str, float]] = {}
    for setting in ("OFF", "ON"):
        raw, _peak = _run_polled(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child-twin",
                str(plain_path),
                setting,
                str(ids_file),
                word,
            ]
        )
        found[setting] = json.loads(raw)
    off, on = found["OFF"], found["ON"]
    note = (
        f"the plain file through SQLCipher's SQLite without a key, a fresh process per setting"
        f" (once ON, cipher_memory_security stays on for the process; db.connect turns it ON);"
        f" median of {found['ON']['repeat']:.0f}"
    )
    return [
        (
            f"why: search «{word}» first page, plain file on SQLCipher's SQLite",
            f"cipher_memory_security OFF {_ms(off['page'])} · ON {_ms(on['page'])}",
            f"count(*) OFF {_ms(off['count'])} · ON {_ms(on['count'])}; {note}",
        ),
        (
            "why: one add, plain file on SQLCipher's SQLite",
            f"cipher_memory_security OFF {_ms(off['add'])} · ON {_ms(on['add'])}",
            f"vs {_ms(add_vault)} encrypted with ON (the app) and {_ms(add_plain)} on stdlib"
            f" sqlite3; {note}",
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
    fold = getattr(db, "_fold", None)
    if fold is not None:
        conn.create_function("dd_fold", 1, fold, deterministic=True)
    store = RecordStore(conn, _utc_now)
    flt = IncidentFilter(query=word)
    store.count_incidents(flt)
    repeat = 15
    page = statistics.median(
        _timed(lambda: store.list_incidents(flt, limit=PAGE, newest_first=True))[0]
        for _ in range(repeat)
    )
    count = statistics.median(_timed(lambda: store.count_incidents(flt))[0] for _ in range(9))
    gen = textgen.Generator(SEED + 2)
    ids = json.loads(ids_file.read_text(encoding="utf-8"))
    drafts = [gen.incident(ids) for _ in range(repeat)]
    add = statistics.median(_timed(lambda d=d: store.add_incident(d))[0] for d in drafts)
    conn.close()
    print(json.dumps({"page": page, "count": count, "add": add, "repeat": repeat}))


def _evidence(desk: Desk, tmp: Path) -> list[Row]:
    size = EVIDENCE_MIB * MiB
    source = tmp / "evidence.bin"
    with open(source, "wb") as f:
        for _ in range(EVIDENCE_MIB // 16):
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
    for _ in range(3):
        t, evidence = _timed(lambda: desk.add_evidence(incident.id, source))
        ours.append(t)
        stored = (desk.paths.objects / evidence.object_name).stat().st_size
        desk.delete_evidence(evidence.id)
        t, _ = _timed(
            lambda: subprocess.run(
                ["age", "-r", recipient, "-o", str(out), str(source)], check=True
            )
        )
        age.append(t)
        fd = os.open(out, os.O_RDONLY)
        try:
            age_sync.append(_timed(lambda fd=fd: os.fsync(fd))[0])
        finally:
            os.close(fd)
        age_size = out.stat().st_size
        out.unlink()
    a, b, s = statistics.median(ours), statistics.median(age), statistics.median(age_sync)
    gib = size / (1024 * MiB)
    label = f"{gib:g} GiB" if gib >= 1 else f"{EVIDENCE_MIB} MiB"
    rows: list[Row] = [
        (
            f"evidence import, {label} file",
            f"{a:.2f} s, {size / MiB / a:,.0f} MiB/s (age CLI: {b:.2f} s + fsync {s:.2f} s)",
            f"Desk.add_evidence: read, SHA-256, pyrage encrypt_io, atomic write with fsync, row"
            f" + reindex; `age -r … -o …` does not fsync, so its fsync is timed apart; encrypted"
            f" sizes {stored:,} vs {age_size:,} bytes; source in the OS cache; median of 3",
        )
    ]
    env = dict(os.environ)
    env[kdf.INSECURE_TEST_KDF_ENV] = "1"
    raw, _sampled = _run_polled(
        [sys.executable, str(Path(__file__).resolve()), "--child-import", str(source)], env
    )
    report = json.loads(raw)
    _, age_rss = _run_polled(["age", "-r", recipient, "-o", str(out), str(source)])
    out.unlink()
    rows.append(
        (
            f"peak memory of the {label} import",
            f"tracemalloc peak {_mib(report['tracemalloc_peak'])}; peak RSS"
            f" {_mib(report['after'])} (age CLI: {_mib(age_rss)})",
            f"a fresh child process per measurement, peak RSS = VmHWM; the child's peak was"
            f" {_mib(report['opened'])} before the import (interpreter, pydantic, SQLCipher, an"
            f" open vault), so the import adds {_mib(max(0, report['after'] - report['opened']))};"
            " age's peak sampled every 10 ms",
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
        for row in run():
            print(" | ".join(row))
