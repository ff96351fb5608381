"""Signed exports: a ZIP streamed straight into age encryption for her chosen contacts.

Nothing readable touches the disk: the ZIP is produced as it is read
(:class:`~defender_desk.sharing.zipstream.ZipReadStream`), ``pyrage.encrypt_io`` pulls it and
writes the ciphertext into a :func:`~defender_desk.safewrite.atomic_stream`, which appears under
its final name only after every write was checked and the file was synced. Evidence files are
decrypted from the vault by a worker thread into a small bounded queue, so memory stays bounded
(one queue of 1 MiB chunks) whatever the size of the evidence. On any error, on cancel, or when
the producer did not finish, the temporary file is removed and the error is raised.

The ZIP's files, at its root:

``report.pdf``
    the printable chronology (:func:`defender_desk.reports.chronology.render_chronology`);
``data.json`` / ``schema.json``
    every selected record with the proof that ties it to the history chain (its revision's
    sequence number and nonce, so that ``SHA-256(tag ‖ nonce ‖ canonical JSON)`` can be
    compared with the commitment in the chain skeleton), and the JSON Schema of ``data.json``
    generated from the pydantic models;
``evidence/<first 12 hex digits of SHA-256>-<sanitised name>``
    the evidence files, when selected;
``SHA256SUMS``
    the same hashes as the manifest in the format ``sha256sum -c`` reads;
``manifest.json``
    see :data:`MANIFEST_FORMAT` and ``docs/sharing.md``: schema version, generator, a random
    export id, the time, the selection, the recipients' keys and verification codes, the
    signer's keys and verification code, the history chain skeleton and head, and the SHA-256
    and size of every other file except ``manifest.sig``;
``manifest.sig``
    an armored SSHSIG over ``manifest.json``, namespace ``defender-desk-export-v1``
    (``ssh-keygen -Y verify`` checks it).

Obligations are included by the caller (the facade asks the obligations module, if present):
see :class:`ObligationsPart`.
"""

from __future__ import annotations

import contextlib
import json
import queue
import re
import secrets
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import pyrage
from pydantic import BaseModel, ConfigDict, Field

from defender_desk import __version__, i18n, safewrite
from defender_desk.domain import taxonomy
from defender_desk.domain.dates import FuzzyDate
from defender_desk.domain.models import (
    CHANNEL_LABELS,
    FOLLOW_UP_LABELS,
    INSTITUTION_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    Evidence,
    Incident,
    Person,
    PersonRole,
    SummonsStatus,
)
from defender_desk.errors import N_, Cancelled, DefenderDeskError, FolderProblem, NotFound
from defender_desk.sharing import identity
from defender_desk.sharing.contacts import Contact
from defender_desk.sharing.sshsig import EXPORT_NAMESPACE, format_openssh_public_key, sign
from defender_desk.sharing.zipstream import ZipReadStream, ZipSource, entry_name_problem
from defender_desk.vault import history
from defender_desk.vault.evidence import EvidenceStore
from defender_desk.vault.records import IncidentFilter, RecordStore

__all__ = [
    "DATA_FORMAT",
    "MANIFEST_FORMAT",
    "ExportData",
    "ExportFailed",
    "ExportResult",
    "ExportSelection",
    "NoRecipients",
    "ObligationsPart",
    "Recipient",
    "default_file_name",
    "encrypt_to_file",
    "evidence_entry_name",
    "export",
    "sha256sums",
]

MANIFEST_FORMAT = "defender-desk-export"
DATA_FORMAT = "defender-desk-data"
SCHEMA_VERSION = 1
GENERATOR = "Defender Desk"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SUMS = "SHA256SUMS"
REPORT = "report.pdf"
DATA = "data.json"
SCHEMA = "schema.json"
EVIDENCE_DIR = "evidence/"
RECEIPTS_DIR = "receipts/"
_NAME_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
_QUEUE_CHUNKS = 8
_HANDOFF = 1 << 20
_NAME_MAX_BYTES = 180

Progress = Callable[[int, int], None]  # (bytes done, bytes total)
Connection = Any

if TYPE_CHECKING:
    from defender_desk.reports.chronology import (
        ReportAttendance,
        ReportIncident,
        ReportInput,
        ReportObligation,
        ReportSupervision,
    )
    from defender_desk.sharing.receipts import Receipt


class ExportFailed(DefenderDeskError):
    message = N_("the export was not made: {reason}")


class NoRecipients(DefenderDeskError):
    message = N_("choose at least one contact to export to")
    exit_code = 2


# -- selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSelection:
    """Which records go into an export. Empty filters select everything.

    ``targets`` are person ids or ``"self"``; ``incident_ids`` (when not ``None``) restricts to
    those incidents. ``report_language`` is en, ru or kk.
    """

    date_from: FuzzyDate | None = None
    date_until: FuzzyDate | None = None
    categories: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    incident_ids: tuple[str, ...] | None = None
    include_evidence: bool = True
    include_obligations: bool = True
    report_language: str = "en"

    @property
    def everything(self) -> bool:
        return (
            self.date_from is None
            and self.date_until is None
            and not self.categories
            and not self.targets
            and self.incident_ids is None
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "all": self.everything,
            "from": None if self.date_from is None else str(self.date_from),
            "until": None if self.date_until is None else str(self.date_until),
            "categories": list(self.categories),
            "targets": list(self.targets),
            "incidents": None if self.incident_ids is None else list(self.incident_ids),
            "evidence": self.include_evidence,
            "obligations": self.include_obligations,
            "report_language": self.report_language,
        }


@dataclass(frozen=True)
class ObligationsPart:
    """What the obligations module gives an export: records for ``data.json`` (plain JSON
    dictionaries) and the report's three sections, already in the report's language."""

    data: list[dict[str, Any]] = field(default_factory=list)
    obligations: Sequence[ReportObligation] = ()
    attendance: Sequence[ReportAttendance] = ()
    supervision: Sequence[ReportSupervision] = ()


@dataclass(frozen=True)
class Recipient:
    """Someone an export is encrypted to: a contact, or herself (``contact is None``)."""

    age_recipient: str
    verification_code: str | None
    contact: Contact | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "age_recipient": self.age_recipient,
            "verification_code": self.verification_code,
            "self": self.contact is None,
        }


@dataclass(frozen=True)
class ExportResult:
    path: Path
    export_id: str
    size: int
    incidents: int
    people: int
    evidence_files: int
    head_seq: int
    head_hash: str
    recipients: tuple[Recipient, ...]


# -- data.json's schema ---------------------------------------------------------------------


class RevisionProof(BaseModel):
    """The revision of the history chain that holds this record's content: its sequence number
    and the nonce of its commitment (``SHA-256("defender-desk/revision/v1" 0x00 ‖ nonce ‖
    canonical JSON of the record)``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int = Field(ge=1)
    nonce: str = Field(pattern=r"^[0-9a-f]{64}$")


class ExportedPerson(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    record: Person
    revision: RevisionProof


class ExportedIncident(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    record: Incident
    revision: RevisionProof


class ExportedEvidence(BaseModel):
    """``file`` is the evidence file's name inside the export, ``null`` when the export was
    made without evidence files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record: Evidence
    revision: RevisionProof
    file: str | None = None


class ExportData(BaseModel):
    """``data.json``: the selected records of a Defender Desk export."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Defender Desk export data")

    format: Literal["defender-desk-data"]
    schema_version: Literal[1]
    export_id: str
    language: str
    people: list[ExportedPerson]
    incidents: list[ExportedIncident]
    evidence: list[ExportedEvidence]
    obligations: list[dict[str, Any]]


def schema_json() -> bytes:
    schema = ExportData.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


# -- names ----------------------------------------------------------------------------------


def default_file_name(now: datetime) -> str:
    """A neutral name such as ``2026-11-25-k7q.age`` (local date, three random characters)."""
    suffix = "".join(secrets.choice(_NAME_ALPHABET) for _ in range(3))
    return f"{now.astimezone():%Y-%m-%d}-{suffix}.age"


def resolve_output(output: Path | None, now: datetime) -> Path:
    """The file to write: ``output`` itself, or a neutral name inside ``output`` (a folder) or
    inside the current folder. Refuses an existing file (nothing is ever overwritten)."""
    folder = Path.cwd() if output is None else output
    if output is None or output.is_dir():
        for _ in range(100):
            path = folder / default_file_name(now)
            if not path.exists():
                return path
        raise FolderProblem(path=str(folder), reason=N_("no free file name"))  # pragma: no cover
    if output.exists() or output.is_symlink():
        raise FolderProblem(path=str(output), reason=N_("a file with that name already exists"))
    return output


_UNSAFE = re.compile(r'[<>:"/\\|?*]')


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = "".join(
        "_"
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or _UNSAFE.match(c)
        else c
        for c in name
    )
    name = " ".join(name.split()).strip(" .")
    if len(name.encode("utf-8")) > _NAME_MAX_BYTES:
        stem, dot, ext = name.rpartition(".")
        if not dot or len(ext) > 12:
            stem, ext = name, ""
        budget = _NAME_MAX_BYTES - len(ext.encode("utf-8")) - 1
        cut = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .")
        name = f"{cut}.{ext}" if ext else cut
    return name or "file"


def evidence_entry_name(sha256: str, original_name: str, used: set[str]) -> str:
    """``evidence/<12 hex>-<name>``: portable, unique (also ignoring case), never a path."""
    base = f"{EVIDENCE_DIR}{sha256[:12]}-{_clean_name(original_name)}"
    if entry_name_problem(base) is not None:
        base = f"{EVIDENCE_DIR}{sha256[:12]}-file"
    name, n = base, 1
    while name.casefold() in used:
        n += 1
        stem, dot, ext = base.rpartition(".")
        name = f"{stem}-{n}.{ext}" if dot and "/" not in ext else f"{base}-{n}"
    used.add(name.casefold())
    return name


def sha256sums(files: Sequence[Mapping[str, Any]]) -> bytes:
    """``<hash>  <name>`` lines (binary mode not marked: the hash is of the exact bytes)."""
    return "".join(f"{f['sha256']}  {f['name']}\n" for f in files).encode("utf-8")


# -- streaming encryption -------------------------------------------------------------------


class ProducerReadable(Protocol):
    """A readable that produces the plaintext (``ZipReadStream``, the backup stream)."""

    complete: bool
    error: BaseException | None

    def read(self, size: int = -1, /) -> bytes | None: ...


class _ErrorKeepingWriter:
    """pyrage flattens an exception raised by the writer into a bare error: keep the real one."""

    def __init__(self, out: safewrite.AtomicFile) -> None:
        self.out = out
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        if self.error is not None:
            raise self.error
        try:
            return self.out.write(data)
        except BaseException as exc:
            self.error = exc
            raise

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True


def encrypt_to_file(
    source: ProducerReadable, path: Path, recipients: Sequence[str], *, overwrite: bool = False
) -> int:
    """Stream ``source`` through age (X25519 ``recipients``) into ``path``, atomically.

    Returns the size of the file. Raises the producer's or the writer's own error (pyrage
    reports them only as text), or :class:`ExportFailed`; on any error no file is left.
    """
    if not recipients:
        raise NoRecipients()
    keys = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
    with safewrite.atomic_stream(path, overwrite=overwrite) as out:
        sink = _ErrorKeepingWriter(out)
        try:
            pyrage.encrypt_io(source, sink, keys)
        except Exception:  # noqa: BLE001 - pyrage flattens every error; the real one is kept
            error = sink.error or source.error
            if error is not None:
                raise error from None
            raise ExportFailed(reason=N_("the encryption failed")) from None
        error = sink.error or source.error
        if error is not None:
            raise error
        if not source.complete:
            raise ExportFailed(reason=N_("the archive was cut short"))
        return out.bytes_written


# -- evidence, decrypted by a worker into a bounded queue -----------------------------------


class _End:
    pass


@dataclass
class _Failed:
    error: BaseException


class _EvidenceReader:
    """A readable over one evidence file's plaintext. A worker thread decrypts it from the vault
    (``EvidenceStore.stream_to``, which checks the hash at the end) into a queue of at most
    :data:`_QUEUE_CHUNKS` chunks; :meth:`close` stops the worker."""

    def __init__(self, store: EvidenceStore, evidence_id: str) -> None:
        self._store, self._id = store, evidence_id
        self._queue: queue.Queue[bytes | _End | _Failed] = queue.Queue(_QUEUE_CHUNKS)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending = memoryview(b"")
        self._finished = False
        self._gathered = bytearray()

    # worker side
    def _run(self) -> None:
        try:
            self._store.stream_to(self._id, self)
            if self._gathered:
                self._put(bytes(self._gathered))
                self._gathered.clear()
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            self._put(_Failed(exc))
        else:
            self._put(_End())

    def _put(self, item: bytes | _End | _Failed) -> None:
        while True:
            if self._stop.is_set():
                if isinstance(item, bytes):
                    raise OSError("the export stopped")
                return
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def write(self, data: bytes | bytearray | memoryview) -> int:
        # pyrage writes 64 KiB at a time; handing over 1 MiB pieces keeps thread switches (and
        # the GIL hand-offs they cost) rare
        n = memoryview(data).nbytes
        self._gathered += data
        if len(self._gathered) >= _HANDOFF:
            self._put(bytes(self._gathered))
            self._gathered.clear()
        return n

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    # reading side
    def read(self, size: int = -1, /) -> bytes:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="dd-export-evidence")
            self._thread.daemon = True
            self._thread.start()
        while not len(self._pending):
            if self._finished:
                return b""
            item = self._queue.get()
            if isinstance(item, _End):
                self._finished = True
                self._join()
                return b""
            if isinstance(item, _Failed):
                self._finished = True
                self._join()
                raise item.error
            self._pending = memoryview(item)
        n = len(self._pending) if size is None or size < 0 else size
        out = bytes(self._pending[:n])
        self._pending = self._pending[n:]
        return out

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def close(self) -> None:
        self._stop.set()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._join()


# -- gathering the records ------------------------------------------------------------------


@dataclass
class _Gathered:
    incidents: list[Incident]
    people: dict[str, Person]
    evidence: dict[str, list[Evidence]]  # incident id -> files
    data: dict[str, Any]
    entries: dict[str, str]  # evidence id -> entry name (when files are included)
    #: evidence of check-ins and supervision events (the log names them by id), in order
    log_evidence: dict[str, Evidence] = field(default_factory=dict)

    def all_evidence(self) -> list[Evidence]:
        """Every exported evidence record: the incidents' files, then the log's."""
        out = [ev for inc in self.incidents for ev in self.evidence[inc.id]]
        seen = {ev.id for ev in out}
        return out + [ev for eid, ev in self.log_evidence.items() if eid not in seen]


def _log_evidence_ids(obligations: ObligationsPart | None) -> list[str]:
    """The evidence ids the exported attendance log and supervision events name, in order."""
    ids: list[str] = []
    for ob in obligations.data if obligations is not None else []:
        for group in ("attendance", "supervision"):
            for entry in ob.get(group, []) if isinstance(ob, dict) else []:
                for eid in entry.get("evidence", []) if isinstance(entry, dict) else []:
                    if isinstance(eid, str) and eid not in ids:
                        ids.append(eid)
    return ids


def _latest_revision(conn: Connection, record_id: str, live: str) -> dict[str, Any]:
    row = conn.execute(
        "SELECT seq, nonce, content FROM revisions WHERE record_id = ? ORDER BY seq DESC LIMIT 1",
        (record_id,),
    ).fetchone()
    if row is None or row[2] is None or bytes(row[2]) != live.encode("utf-8"):
        raise ExportFailed(
            reason=N_("a record differs from its history; run 'check' and look at it first")
        )
    return {
        "record": json.loads(bytes(row[2]).decode("utf-8")),
        "revision": {"seq": int(row[0]), "nonce": bytes(row[1]).hex()},
    }


def _live(conn: Connection, table: str, record_id: str) -> str:
    row = conn.execute(f"SELECT data FROM {table} WHERE id = ?", (record_id,)).fetchone()
    if row is None:  # pragma: no cover - listed a moment ago
        raise ExportFailed(reason=N_("a record disappeared during the export"))
    return str(row[0])


def _gather(
    conn: Connection,
    records: RecordStore,
    evidence: EvidenceStore,
    selection: ExportSelection,
    export_id: str,
    obligations: ObligationsPart | None,
) -> _Gathered:
    flt = IncidentFilter(
        date_from=selection.date_from,
        date_until=selection.date_until,
        categories=list(selection.categories),
        ids=None if selection.incident_ids is None else list(selection.incident_ids),
    )
    targets = list(selection.targets)
    if len(targets) <= 1:
        flt.target = targets[0] if targets else None
        incidents = records.list_incidents(flt)
    else:  # any of several targets
        seen: dict[str, Incident] = {}
        for target in targets:
            flt.target = target
            for inc in records.list_incidents(flt):
                seen.setdefault(inc.id, inc)
        incidents = sorted(seen.values(), key=lambda i: i.sort_key())
    if selection.incident_ids is not None:
        for wanted in selection.incident_ids:
            records.get_incident(wanted)  # NotFound for an unknown id
    people: dict[str, Person] = {}
    files: dict[str, list[Evidence]] = {}
    for inc in incidents:
        for pid in (*inc.target_ids, *inc.actor_ids, *inc.witness_ids):
            if pid not in people:
                people[pid] = records.get_person(pid)
        files[inc.id] = evidence.listing(inc.id)
    used: set[str] = set()
    entries: dict[str, str] = {}
    data_people = [
        _latest_revision(conn, pid, _live(conn, "people", pid)) for pid in sorted(people)
    ]
    data_incidents = [
        _latest_revision(conn, i.id, _live(conn, "incidents", i.id)) for i in incidents
    ]
    log_evidence: dict[str, Evidence] = {}
    listed = {ev.id for inc in incidents for ev in files[inc.id]}
    for eid in _log_evidence_ids(obligations):
        if eid in listed:
            continue
        try:
            log_evidence[eid] = evidence.get(eid)
        except NotFound:  # deleted since it was logged ('check' reports it)
            continue
    data_evidence: list[dict[str, Any]] = []
    every = [ev for inc in incidents for ev in files[inc.id]] + list(log_evidence.values())
    for ev in every:
        item = _latest_revision(conn, ev.id, _live(conn, "evidence", ev.id))
        if selection.include_evidence:
            entries[ev.id] = evidence_entry_name(ev.sha256, ev.original_name, used)
        item["file"] = entries.get(ev.id)
        data_evidence.append(item)
    data = {
        "format": DATA_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "export_id": export_id,
        "language": selection.report_language,
        "people": data_people,
        "incidents": data_incidents,
        "evidence": data_evidence,
        "obligations": list(obligations.data) if obligations is not None else [],
    }
    return _Gathered(incidents, people, files, data, entries, log_evidence)


# -- the report -----------------------------------------------------------------------------


def _moment(recorded_at: str) -> datetime:
    return datetime.strptime(recorded_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class _Entered:
    """When each record was entered and last changed, from the history chain skeleton (the
    UTC times of her own computer, as the chain records them)."""

    def __init__(self, skeleton: Sequence[Mapping[str, Any]], language: str) -> None:
        from defender_desk.reports.chronology import format_created, texts

        self._first: dict[str, str] = {}
        self._last: dict[str, str] = {}
        for e in skeleton:
            self._first.setdefault(str(e["record_id"]), str(e["recorded_at"]))
            self._last[str(e["record_id"])] = str(e["recorded_at"])
        self._t = texts(language)
        self._format = format_created
        self._language = language

    def __call__(self, record_id: str) -> str:
        first = self._first.get(record_id)
        if first is None:
            return ""
        text = self._format(_moment(first), self._language)
        last = self._last[record_id]
        if last != first:
            changed = self._format(_moment(last), self._language)
            text = self._t["recorded_changed"].format(first=text, last=changed)
        return text


def _report_evidence(ev: Evidence) -> Any:
    from defender_desk.reports.chronology import ReportEvidence

    return ReportEvidence(ev.original_name, ev.media_type, ev.size, ev.sha256)


def _report_input(
    g: _Gathered,
    selection: ExportSelection,
    *,
    owner_name: str,
    created_at: datetime,
    verification_code: str,
    signing_key: str,
    head: tuple[int, bytes],
    export_id: str,
    obligations: ObligationsPart | None,
    skeleton: Sequence[Mapping[str, Any]],
    receipts: Sequence[Receipt] = (),
) -> ReportInput:
    import dataclasses

    from defender_desk.domain import wording
    from defender_desk.reports.chronology import (
        ReportIncident,
        ReportInput,
        ReportPerson,
        ReportSummons,
        ReportWitness,
        format_created,
        texts,
    )
    from defender_desk.sharing.receipts import ssh_fingerprint

    lang = selection.report_language
    tr = i18n.load(lang).gettext
    t = texts(lang)
    herself = owner_name or t["self_target"]
    entered = _Entered(skeleton, lang)

    def name(pid: str) -> str:
        return g.people[pid].name

    def target(pid: str) -> str:
        person = g.people[pid]
        return wording.with_relation(person.name, person.relation, lang)

    by_category: Counter[str] = Counter()
    by_actor: Counter[str] = Counter()
    by_target: Counter[str] = Counter()
    report_incidents: list[ReportIncident] = []
    for position, inc in enumerate(g.incidents):
        category = taxonomy.label(inc.category, lang)
        by_category[category] += 1
        for pid in inc.actor_ids:
            kind = g.people[pid].institution
            if kind is not None:
                by_actor[tr(INSTITUTION_LABELS[kind])] += 1
        targets = ([herself] if inc.targets_self else []) + [target(p) for p in inc.target_ids]
        for who in targets:
            by_target[who] += 1
        when = inc.happened.render(lang)
        if inc.until is not None:
            when += " – " + inc.until.render(lang)
        summons = None
        if inc.summons is not None:
            s = inc.summons
            stated = s.status is not None and s.status is not SummonsStatus.NONE_STATED
            summons = ReportSummons(
                summoned_by=s.who_summoned,
                legal_basis=s.legal_basis,
                status=tr(STATUS_LABELS[s.status]) if stated and s.status is not None else "",
                erdr_number=s.erdr_number or "",
                when="" if s.appointed is None else s.appointed.render(lang),
                place=s.place,
                lawyer_present=s.lawyer_present,
            )
        follow = []
        for f in inc.follow_ups:
            text = tr(FOLLOW_UP_LABELS[f.kind])
            if f.text:
                text += ": " + f.text
            if f.when is not None:
                text += f" ({f.when.render(lang)})"
            follow.append(text)
        report_incidents.append(
            ReportIncident(
                id=inc.id,
                when=when,
                position=position,
                category=category,
                title=inc.title,
                description=inc.description,
                place=inc.place,
                targets=targets,
                actors=[name(p) for p in inc.actor_ids],
                channel="" if inc.channel is None else tr(CHANNEL_LABELS[inc.channel]),
                severity="" if inc.severity is None else f"{inc.severity}/5",
                tags=list(inc.tags),
                summons=summons,
                evidence=[_report_evidence(ev) for ev in g.evidence.get(inc.id, [])],
                witnesses=[name(p) for p in inc.witness_ids],
                follow_up=follow,
                recorded=entered(inc.id),
            )
        )
    people = [
        ReportPerson(
            name=p.name,
            role=tr(ROLE_LABELS[p.role]),
            relation="" if p.relation is None else wording.relation_word(p.relation, lang),
            institution="" if p.institution is None else tr(INSTITUTION_LABELS[p.institution]),
            record_id=p.id,
            recorded=entered(p.id),
        )
        for p in sorted(g.people.values(), key=lambda p: (_ROLE_ORDER[p.role], p.name.casefold()))
    ]
    part = obligations if selection.include_obligations else None

    def with_files(row: Any) -> Any:
        files = [
            _report_evidence(g.log_evidence[e]) for e in row.evidence_ids if e in g.log_evidence
        ]
        return dataclasses.replace(
            row, evidence=files or row.evidence, recorded=entered(row.record_id) or row.recorded
        )

    witnesses = [
        ReportWitness(
            name=r.witness_name,
            verification_code=r.witness_code,
            fingerprint=ssh_fingerprint(r.witness_key),
            head_seq=r.head_seq,
            head_hash=r.head_hash,
            received=format_created(_moment(r.received_at), lang),
            receipt_id=r.id,
        )
        for r in receipts
    ]
    return ReportInput(
        owner_name=owner_name,
        period_from="" if selection.date_from is None else selection.date_from.render(lang),
        period_until="" if selection.date_until is None else selection.date_until.render(lang),
        created_at=created_at.astimezone(),
        language=lang,
        verification_code=verification_code,
        chain_head=f"{head[0]} · {head[1].hex()}",
        export_id=export_id,
        incidents=report_incidents,
        obligations=part.obligations if part else (),
        attendance=[with_files(a) for a in part.attendance] if part else (),
        supervision=[with_files(v) for v in part.supervision] if part else (),
        by_category=dict(by_category.most_common()),
        by_actor_kind=dict(by_actor.most_common()),
        by_target=dict(by_target.most_common()),
        obligations_included=selection.include_obligations,
        people=people,
        witnesses=witnesses,
        signing_key_fingerprint=ssh_fingerprint(signing_key),
    )


_ROLE_ORDER = {
    PersonRole.FAMILY: 0,
    PersonRole.WITNESS: 1,
    PersonRole.LAWYER: 2,
    PersonRole.COLLEAGUE: 3,
    PersonRole.ACTOR: 4,
}


# -- the export -----------------------------------------------------------------------------


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export(
    conn: Connection,
    *,
    records: RecordStore,
    evidence: EvidenceStore,
    clock: Callable[[], datetime],
    recipients: Sequence[Recipient],
    selection: ExportSelection,
    output: Path | None = None,
    owner_name: str = "",
    obligations: ObligationsPart | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write one export. See the module docstring. Raises :class:`NoRecipients`,
    :class:`ExportFailed`, :class:`~defender_desk.errors.Cancelled`,
    :class:`~defender_desk.errors.StorageError`, :class:`~defender_desk.errors.FolderProblem`,
    :class:`~defender_desk.errors.NotFound` (an unknown incident id) and the evidence store's
    ``EvidenceDamaged``; in every case no file is left."""
    if not recipients:
        raise NoRecipients()
    if selection.report_language not in i18n.LANGUAGES:
        raise ExportFailed(reason=N_("unsupported report language"))

    def check_cancel() -> None:
        if cancel is not None and cancel():
            raise Cancelled()

    now = clock()
    path = resolve_output(output, now)
    export_id = secrets.token_hex(16)
    if not selection.include_obligations:
        obligations = None
    card = identity.my_card(conn)
    signer = identity.signing_key(conn)
    head = history.head(conn)
    skeleton = history.skeleton(conn, head[0])
    g = _gather(conn, records, evidence, selection, export_id, obligations)
    check_cancel()
    from defender_desk.reports.chronology import render_chronology
    from defender_desk.sharing import receipts as receipts_mod

    witnessed = receipts_mod.in_chain(conn, receipts_mod.list_receipts(conn))
    witnessed.sort(key=lambda r: (r.head_seq, r.received_at, r.id))
    report = render_chronology(
        _report_input(
            g,
            selection,
            owner_name=owner_name,
            created_at=now,
            verification_code=card.verification_code,
            signing_key=card.signing_key,
            head=head,
            export_id=export_id,
            obligations=obligations,
            skeleton=skeleton,
            receipts=witnessed,
        )
    )
    check_cancel()
    data = _json_bytes(g.data)
    schema = schema_json()
    to_send = [(ev, g.entries[ev.id]) for ev in g.all_evidence() if ev.id in g.entries]
    receipt_files = [
        (r, f"{RECEIPTS_DIR}{r.id}.json", f"{RECEIPTS_DIR}{r.id}.json.sig") for r in witnessed
    ]
    total = len(report) + len(data) + len(schema) + sum(ev.size for ev, _ in to_send)
    readers: list[_EvidenceReader] = []

    def on_progress(done: int) -> None:
        check_cancel()
        if progress is not None:
            progress(min(done, total), total)

    def sources() -> Iterator[ZipSource]:
        yield ZipSource(REPORT, report)
        yield ZipSource(DATA, data, deflate=True)
        yield ZipSource(SCHEMA, schema, deflate=True)
        for ev, name in to_send:
            reader = _EvidenceReader(evidence, ev.id)
            readers.append(reader)
            yield ZipSource(name, reader, size=ev.size)
            reader.close()
        for r, body_name, sig_name in receipt_files:
            yield ZipSource(body_name, r.body)
            yield ZipSource(sig_name, r.signature)
        files = [{"name": e.name, "size": e.size, "sha256": e.sha256} for e in stream.entries]
        sums = sha256sums(files)
        yield ZipSource(SUMS, sums)
        last = stream.entries[-1]
        files.append({"name": last.name, "size": last.size, "sha256": last.sha256})
        manifest = {
            "format": MANIFEST_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "generator": {"name": GENERATOR, "version": __version__},
            "export_id": export_id,
            "created_at": history.timestamp(now),
            "selection": selection.as_json(),
            "records": {
                "incidents": [i.id for i in g.incidents],
                "people": sorted(g.people),
                "evidence": [ev.id for ev in g.all_evidence()],
                "obligations": len(g.data["obligations"]),
            },
            "recipients": [r.as_json() for r in recipients],
            "signer": {
                "signing_key": format_openssh_public_key(signer.public_key()),
                "age_recipient": card.age_recipient,
                "verification_code": card.verification_code,
            },
            "chain": {
                "head": {"seq": head[0], "hash": head[1].hex()},
                "skeleton": skeleton,
            },
            "files": files,
            "receipts": [
                {
                    "id": r.id,
                    "file": body_name,
                    "signature": sig_name,
                    "witness": {
                        "name": r.witness_name,
                        "signing_key": r.witness_key,
                        "verification_code": r.witness_code,
                    },
                    "head": {"seq": r.head_seq, "hash": r.head_hash},
                    "received_at": r.received_at,
                }
                for r, body_name, sig_name in receipt_files
            ],
        }
        manifest_bytes = _json_bytes(manifest)
        yield ZipSource(MANIFEST, manifest_bytes, deflate=True)
        yield ZipSource(SIGNATURE, sign(signer, manifest_bytes, EXPORT_NAMESPACE).encode("ascii"))

    stream = ZipReadStream(sources(), progress=on_progress)
    try:
        size = encrypt_to_file(stream, path, [r.age_recipient for r in recipients])
    finally:
        for reader in readers:
            reader.close()
        with contextlib.suppress(Exception):
            stream.close()
    with contextlib.suppress(Exception):
        _log_sent(conn, signer_key=format_openssh_public_key(signer.public_key()),
                  export_id=export_id, head=head, created_at=history.timestamp(now),
                  logged_at=history.timestamp(clock()))  # fmt: skip
    if progress is not None:
        progress(total, total)
    return ExportResult(
        path=path,
        export_id=export_id,
        size=size,
        incidents=len(g.incidents),
        people=len(g.people),
        evidence_files=len(to_send),
        head_seq=head[0],
        head_hash=head[1].hex(),
        recipients=tuple(recipients),
    )


def _log_sent(
    conn: Connection,
    *,
    signer_key: str,
    export_id: str,
    head: tuple[int, bytes],
    created_at: str,
    logged_at: str,
) -> None:
    from defender_desk.vault import db

    with db.transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO export_log(direction, signer_key, export_id, head_seq,"
            " head_hash, created_at, logged_at) VALUES ('sent', ?, ?, ?, ?, ?, ?)",
            (signer_key, export_id, head[0], head[1].hex(), created_at, logged_at),
        )
