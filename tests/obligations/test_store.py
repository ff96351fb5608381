"""The obligation repository and facade: migration 0003, revisions in the history chain,
evidence through the evidence store, attendance rules, cascades, consistency, export rows."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlcipher3

from defender_desk.app import Desk
from defender_desk.errors import NotFound
from defender_desk.obligations.models import (
    CheckIn,
    MovedOntoAnother,
    ObligationError,
    Probation,
    Restriction,
    ScheduleError,
)
from defender_desk.secret import Secret
from defender_desk.vault import db, history
from defender_desk.vault.evidence import EvidenceFileProblem
from tests.conftest import PASS

ALMATY = ZoneInfo("Asia/Almaty")


class Clock:
    """The desk's clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date, hour: int = 8, minute: int = 0) -> None:
        self.now = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 5, 20, 8, 0, tzinfo=ALMATY))  # a Tuesday


@pytest.fixture
def desk(tmp_path: Path, clock: Clock):
    d = Desk(tmp_path / "vault", clock=clock)
    d.create(Secret.from_text(PASS))
    yield d
    d.lock()


PROBATION = {
    "kind": "probation",
    "title": "Пробация",
    "start": "2024-06-26",
    "until": "2025-06-25",
    "body": {"name": "Служба пробации", "officer": "инспектор Б."},
    "conditions": ["являться на отметку", "не менять место жительства без уведомления"],
}
CHECKIN = {
    "kind": "checkin",
    "title": "Отметка",
    "rrule": "FREQ=MONTHLY;BYDAY=2MO,4MO",
    "start": "2024-06-26T10:00",
    "place": "ул. Абая, 1",
}


def ops(desk: Desk, record_id: str) -> list[tuple[str, bool]]:
    """(operation, content kept) for each revision of a record."""
    return [(r["operation"], r["content"] is not None) for r in desk.history_of(record_id)]


def kinds(desk: Desk) -> list[tuple[str, str]]:
    conn = desk._open().conn
    return [(k, o) for k, o in conn.execute("SELECT record_kind, operation FROM revisions")]


# -- migration ------------------------------------------------------------------------------------


def test_migration_0003_obligations(tmp_path: Path) -> None:
    k = Secret(secrets.token_bytes(32))
    raw = sqlcipher3.connect(str(tmp_path / "three.db"), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{k.buffer.hex()}'\"")
    raw.execute("PRAGMA foreign_keys = ON")
    assert db.migrate(raw, target=2) == 2

    def tables() -> set[str]:
        return {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    assert "obligations" not in tables()
    assert db.migrate(raw, target=3) == 3
    assert {"obligations", "attendance", "supervision_events"} <= tables()
    assert db.schema_version(raw) == 3

    raw.execute(
        "INSERT INTO obligations(id, kind, starts, ends, created_at, updated_at, data)"
        " VALUES ('o-1', 'probation', '2024-06-26', '2025-06-25', 'now', 'now', '{}')"
    )
    raw.execute(
        "INSERT INTO attendance(id, obligation_id, occurrence, status, created_at, data)"
        " VALUES ('a-1', 'o-1', '2025-05-12', 'attended', 'now', '{}')"
    )
    bad = [
        "INSERT INTO obligations(id, kind, starts, created_at, updated_at, data)"
        " VALUES ('o-2', 'parole', '2024-06-26', 'now', 'now', '{}')",
        "INSERT INTO obligations(id, kind, starts, created_at, updated_at, data)"
        " VALUES ('o-1', 'hearing', '2024-06-26', 'now', 'now', '{}')",
        "INSERT INTO attendance(id, obligation_id, occurrence, status, created_at, data)"
        " VALUES ('a-2', 'o-404', '2025-05-12', 'attended', 'now', '{}')",
        "INSERT INTO attendance(id, obligation_id, occurrence, status, created_at, data)"
        " VALUES ('a-3', 'o-1', '2025-05-12', 'late', 'now', '{}')",
        "INSERT INTO supervision_events(id, obligation_id, kind, day, created_at, data)"
        " VALUES ('s-1', 'o-1', 'praise', '2025-05-12', 'now', '{}')",
        "INSERT INTO supervision_events(id, obligation_id, kind, day, created_at, data)"
        " VALUES ('s-2', 'o-404', 'warning', '2025-05-12', 'now', '{}')",
        "DELETE FROM obligations WHERE id = 'o-1'",  # its attendance still names it
    ]
    for statement in bad:
        with pytest.raises(sqlcipher3.IntegrityError):
            raw.execute(statement)
    assert db.migrate(raw) == db.latest_version()
    raw.close()


def test_a_new_vault_has_the_tables(desk: Desk) -> None:
    assert desk.status()["counts"]["obligations"] == 0
    assert desk.list_obligations() == []


# -- obligations --------------------------------------------------------------------------------


def test_add_edit_delete_in_the_history_chain(desk: Desk) -> None:
    probation = desk.add_obligation(PROBATION)
    assert isinstance(probation, Probation)
    assert probation.id.startswith("o-")
    assert desk.get_obligation(probation.id) == probation
    assert desk.status()["counts"]["obligations"] == 1

    edited = desk.edit_obligation(probation.id, {"decision": "приговор № 2-123/2024"})
    assert isinstance(edited, Probation)
    assert edited.decision == "приговор № 2-123/2024"
    assert edited.until == date(2025, 6, 25)  # the rest is kept
    assert desk.list_obligations() == [edited]
    assert ops(desk, probation.id) == [("create", True), ("edit", True)]
    latest = desk.history_of(probation.id)[-1]["content"]
    assert json.loads(latest)["decision"] == "приговор № 2-123/2024"

    deleted = desk.delete_obligation(probation.id)
    assert (deleted.attendance, deleted.supervision, deleted.evidence_kept) == (0, 0, 0)
    with pytest.raises(NotFound):
        desk.get_obligation(probation.id)
    # like incidents: the tombstone is purged too, only the commitments stay
    assert ops(desk, probation.id) == [("create", False), ("edit", False), ("delete", False)]
    assert ("obligation", "delete") in kinds(desk)
    assert history.verify(desk._open().conn) == []
    assert desk.obligation_problems() == []


def test_edit_is_validated_whole_and_writes_nothing_when_refused(desk: Desk) -> None:
    probation = desk.add_obligation(PROBATION)
    before = desk.history_of(probation.id)
    with pytest.raises(ObligationError) as err:
        desk.edit_obligation(probation.id, {"until": "2024-01-01"})
    assert err.value.fields["field"] == "until"
    with pytest.raises(ObligationError) as err:
        desk.edit_obligation(probation.id, {"kind": "hearing"})
    assert err.value.fields["field"] == "kind"
    with pytest.raises(ObligationError):
        desk.edit_obligation(probation.id, {"colour": "red"})
    assert desk.history_of(probation.id) == before
    assert desk.get_obligation(probation.id) == probation
    with pytest.raises(NotFound):
        desk.edit_obligation("o-missing", {"title": "x"})


def test_a_restriction_can_be_made_open_ended(desk: Desk) -> None:
    ban = desk.add_obligation(
        {
            "kind": "restriction",
            "title": "Запрет",
            "restriction_kind": "public_activity",
            "start": "2025-06-26",
            "until": "2027-06-25",
        }
    )
    opened = desk.edit_obligation(ban.id, {"until": None})
    assert isinstance(opened, Restriction)
    assert opened.until is None
    row = desk._open().conn.execute("SELECT ends FROM obligations WHERE id = ?", (ban.id,))
    assert row.fetchone()[0] is None


def test_bad_drafts_are_refused_with_our_error(desk: Desk) -> None:
    with pytest.raises(ScheduleError):
        desk.add_obligation({**CHECKIN, "rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"})
    with pytest.raises(ScheduleError):
        desk.add_obligation({**CHECKIN, "rrule": "каждый понедельник"})
    with pytest.raises(ObligationError) as err:
        desk.add_obligation({**PROBATION, "title": "\udcff"})  # an undecodable argument
    assert err.value.fields["field"] == "title"
    with pytest.raises(ObligationError):
        desk.add_obligation({**PROBATION, "kind": "parole"})
    assert desk.list_obligations() == []
    assert desk._open().conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0


def test_checkin_gets_the_user_zone_and_ends_with_probation(desk: Desk) -> None:
    probation = desk.add_obligation(PROBATION)
    checkin = desk.add_obligation(CHECKIN)
    assert isinstance(checkin, CheckIn)
    assert checkin.zone == "Asia/Almaty"
    assert checkin.until == probation.until
    own = desk.add_obligation({**CHECKIN, "until": "2025-01-31", "zone": "Asia/Qostanay"})
    assert isinstance(own, CheckIn)
    assert (own.until, own.zone) == (date(2025, 1, 31), "Asia/Qostanay")
    # before the probation starts there is nothing to bind to
    early = desk.add_obligation({**CHECKIN, "start": "2024-01-01T10:00"})
    assert isinstance(early, CheckIn)
    assert early.until is None


def test_checkin_is_not_bound_when_two_probations_run(desk: Desk) -> None:
    desk.add_obligation(PROBATION)
    desk.add_obligation({**PROBATION, "title": "Вторая", "until": "2025-12-31"})
    checkin = desk.add_obligation(CHECKIN)
    assert isinstance(checkin, CheckIn)
    assert checkin.until is None


def test_user_zone_comes_from_the_settings(desk: Desk, monkeypatch) -> None:
    assert desk.user_zone() == "Asia/Almaty"  # the settings have no zone yet
    monkeypatch.setattr(desk, "settings", lambda: SimpleNamespace(zone="Asia/Qostanay"))
    assert desk.user_zone() == "Asia/Qostanay"
    checkin = desk.add_obligation(CHECKIN)
    assert isinstance(checkin, CheckIn)
    assert checkin.zone == "Asia/Qostanay"
    monkeypatch.setattr(desk, "settings", lambda: SimpleNamespace(zone="Mars/Olympus"))
    assert desk.user_zone() == "Asia/Almaty"


def test_moved_onto_another_is_refused_through_edit(desk: Desk) -> None:
    checkin = desk.add_obligation(CHECKIN)
    with pytest.raises(MovedOntoAnother):
        desk.edit_obligation(
            checkin.id, {"moves": [{"original": "2025-05-12T10:00", "to": "2025-05-26T10:00"}]}
        )
    moved = desk.edit_obligation(
        checkin.id, {"moves": [{"original": "2025-05-12T10:00", "to": "2025-05-13T15:00"}]}
    )
    assert isinstance(moved, CheckIn)
    assert [(m.original, m.to) for m in moved.moves] == [
        (datetime(2025, 5, 12, 10), datetime(2025, 5, 13, 15))
    ]


# -- attendance ---------------------------------------------------------------------------------


def test_log_checkin_with_evidence_is_one_transaction(desk: Desk, tmp_path: Path) -> None:
    desk.add_obligation(PROBATION)
    checkin = desk.add_obligation(CHECKIN)
    photo = tmp_path / "штамп.jpg"
    photo.write_bytes(b"\xff\xd8 stamp of the probation service")
    entry = desk.log_checkin(checkin.id, date(2025, 5, 12), "attended", "", photo)
    assert entry.id.startswith("a-")
    [evidence] = desk.list_evidence()
    assert evidence.incident_id is None
    assert entry.evidence == [evidence.id]
    assert desk.read_evidence(evidence.id) == photo.read_bytes()
    assert desk.list_attendance() == [entry]
    assert desk.list_attendance(checkin.id) == [entry]
    assert kinds(desk)[-2:] == [("evidence", "create"), ("attendance", "create")]
    assert history.verify(desk._open().conn) == []
    assert desk.obligation_problems() == []


def test_evidence_that_cannot_be_imported_leaves_nothing(desk: Desk, tmp_path: Path) -> None:
    checkin = desk.add_obligation(CHECKIN)
    revisions = len(kinds(desk))
    with pytest.raises(EvidenceFileProblem):
        desk.log_checkin(checkin.id, date(2025, 5, 12), "attended", "", tmp_path / "none.jpg")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(EvidenceFileProblem):
        desk.log_supervision(checkin.id, "warning", date(2025, 5, 12), None, "", empty)
    assert desk.list_attendance() == []
    assert desk.list_supervision() == []
    assert desk.list_evidence() == []
    assert len(kinds(desk)) == revisions


def test_attendance_rules(desk: Desk, clock: Clock) -> None:
    probation = desk.add_obligation(PROBATION)
    checkin = desk.add_obligation(CHECKIN)
    hearing = desk.add_obligation(
        {"kind": "hearing", "title": "Апелляция", "at": "2025-05-30T11:00", "body": "Суд"}
    )
    with pytest.raises(ObligationError) as err:  # not a check-in
        desk.log_checkin(probation.id, date(2025, 5, 12), "attended")
    assert err.value.fields["field"] == "obligation"
    with pytest.raises(ObligationError) as err:  # a Tuesday
        desk.log_checkin(checkin.id, date(2025, 5, 13), "attended")
    assert err.value.fields["field"] == "date"
    with pytest.raises(ObligationError):  # after probation the check-ins end
        desk.log_checkin(checkin.id, date(2025, 7, 14), "moved")
    with pytest.raises(ObligationError) as err:  # not yet (today is 20 May)
        desk.log_checkin(checkin.id, date(2025, 5, 26), "attended")
    assert err.value.fields["field"] == "date"
    with pytest.raises(ObligationError):
        desk.log_checkin(checkin.id, date(2025, 5, 26), "missed")
    # a move announced in advance can be logged
    moved = desk.log_checkin(checkin.id, date(2025, 5, 26), "moved", "инспектор в отпуске")
    assert moved.status == "moved"
    # the day a check-in was moved to counts, and so does the hearing's day
    desk.edit_obligation(
        checkin.id, {"moves": [{"original": "2025-04-28T10:00", "to": "2025-04-29T15:00"}]}
    )
    desk.log_checkin(checkin.id, date(2025, 4, 29), "attended")
    desk.log_checkin(checkin.id, date(2025, 4, 28), "moved")
    clock.set(date(2025, 5, 30), 13)
    desk.log_checkin(hearing.id, date(2025, 5, 30), "attended")
    with pytest.raises(ObligationError):
        desk.log_checkin(hearing.id, date(2025, 5, 29), "attended")
    with pytest.raises(NotFound):
        desk.log_checkin("o-missing", date(2025, 5, 12), "attended")
    assert [e.occurrence for e in desk.list_attendance()] == [
        date(2025, 4, 28),
        date(2025, 4, 29),
        date(2025, 5, 26),
        date(2025, 5, 30),
    ]


def test_supervision_events(desk: Desk, tmp_path: Path) -> None:
    probation = desk.add_obligation(PROBATION)
    scan = tmp_path / "предупреждение.pdf"
    scan.write_bytes(b"%PDF-1.4 written warning")
    warning = desk.log_supervision(
        probation.id, "warning", date(2025, 3, 3), None, "за опоздание", scan
    )
    labour = desk.log_supervision(probation.id, "labour", date(2025, 3, 10), 4)
    assert labour.hours == 4.0
    [evidence] = desk.list_evidence()
    assert warning.evidence == [evidence.id]
    assert evidence.incident_id is None
    with pytest.raises(ObligationError) as err:
        desk.log_supervision(probation.id, "labour", date(2025, 3, 11))
    assert err.value.fields["field"] == "hours"
    with pytest.raises(ObligationError):
        desk.log_supervision(probation.id, "permission", date(2025, 3, 11), 2)
    with pytest.raises(ObligationError):
        desk.log_supervision(probation.id, "labour", date(2025, 3, 11), 25)
    with pytest.raises(NotFound):
        desk.log_supervision("o-missing", "warning", date(2025, 3, 11))
    assert desk.list_supervision(probation.id) == [warning, labour]
    assert ("supervision", "create") in kinds(desk)


def test_delete_takes_the_log_and_keeps_the_evidence(desk: Desk, tmp_path: Path) -> None:
    desk.add_obligation(PROBATION)
    checkin = desk.add_obligation(CHECKIN)
    other = desk.add_obligation({**CHECKIN, "title": "Другая", "until": "2025-06-25"})
    photo = tmp_path / "stamp.jpg"
    photo.write_bytes(b"stamp")
    entry = desk.log_checkin(checkin.id, date(2025, 5, 12), "attended", "", photo)
    desk.log_checkin(checkin.id, date(2025, 4, 28), "missed", "болела")
    event = desk.log_supervision(checkin.id, "warning", date(2025, 4, 29))
    kept = desk.log_checkin(other.id, date(2025, 5, 12), "attended")

    deleted = desk.delete_obligation(checkin.id)
    assert (deleted.attendance, deleted.supervision, deleted.evidence_kept) == (2, 1, 1)
    assert desk.list_attendance() == [kept]
    assert desk.list_supervision() == []
    assert [e.id for e in desk.list_evidence()] == entry.evidence
    for record_id in (entry.id, event.id, checkin.id):
        assert ops(desk, record_id)[-1] == ("delete", False)
        assert all(not content for _, content in ops(desk, record_id))
    assert history.verify(desk._open().conn) == []
    assert desk.obligation_problems() == []

    desk.delete_attendance(kept.id)
    assert desk.list_attendance() == []
    with pytest.raises(NotFound):
        desk.delete_attendance(kept.id)
    with pytest.raises(NotFound):
        desk.delete_supervision(event.id)


def test_consistency_problems(desk: Desk, tmp_path: Path) -> None:
    probation = desk.add_obligation(PROBATION)
    scan = tmp_path / "warning.pdf"
    scan.write_bytes(b"%PDF warning")
    event = desk.log_supervision(probation.id, "warning", date(2025, 3, 3), None, "", scan)
    assert desk.obligation_problems() == []
    # the evidence file is deleted on its own: the event still names it
    desk.delete_evidence(event.evidence[0])
    [problem] = desk.obligation_problems()
    assert problem.fields == {"id": event.id, "evidence": event.evidence[0]}
    # a row edited outside the app no longer matches its last revision
    conn = desk._open().conn
    conn.execute(
        "UPDATE obligations SET data = replace(data, 'Пробация', 'Другое') WHERE id = ?",
        (probation.id,),
    )
    problems = desk.obligation_problems()
    assert {"kind": "obligation", "id": probation.id} in [p.fields for p in problems]
    assert all(probation.title not in p.english() for p in problems)


# -- what is due, countdowns, reminders -----------------------------------------------------------


def test_due_countdown_and_reminders(desk: Desk, clock: Clock) -> None:
    probation = desk.add_obligation(PROBATION)
    checkin = desk.add_obligation(CHECKIN)
    for day in (date(2025, 4, 28), date(2025, 5, 12)):
        desk.log_checkin(checkin.id, day, "attended")
    # everything before April is still unlogged: overdue, oldest first
    overdue = [d for d in desk.due() if d.status == "overdue"]
    assert overdue[0].occurrence.at == datetime(2024, 7, 8, 10, tzinfo=ALMATY)
    assert date(2025, 5, 12) not in {d.occurrence.at.date() for d in overdue}
    # log them all; then only the coming ones remain
    for d in overdue:
        desk.log_checkin(checkin.id, d.occurrence.at.date(), "attended")
    assert desk.due() == []
    coming = desk.due(days=7)
    assert [(d.occurrence.at, d.status) for d in coming] == [
        (datetime(2025, 5, 26, 10, tzinfo=ALMATY), "due")
    ]
    clock.set(date(2025, 5, 26), 11)  # she did not log it: overdue an hour later
    assert [d.status for d in desk.due()] == ["overdue"]

    [running] = desk.countdown(date(2025, 5, 25))
    assert (running.obligation_id, running.days_left) == (probation.id, 31)
    assert desk.countdown(date(2025, 6, 25))[0].days_left == 0
    assert desk.countdown(date(2025, 6, 26)) == []
    assert desk.countdown()[0].days_left == 30  # today by the clock: 26 May

    clock.set(date(2025, 6, 8), 10, 30)  # a day before the 9 June check-in, 10:30
    reminders = desk.reminders()
    assert [r.lead for r in reminders] == [timedelta(days=1)]
    assert desk.reminders(since=clock.now) == []
    clock.set(date(2025, 6, 9), 8, 30)
    assert [r.lead for r in desk.reminders(since=clock.now - timedelta(hours=1))] == [
        timedelta(hours=2)
    ]
    desk.log_checkin(checkin.id, date(2025, 6, 9), "moved")  # resolved: no more reminders
    assert desk.reminders() == []


def test_due_uses_the_user_zone_for_today(desk: Desk, monkeypatch) -> None:
    desk.add_obligation({**CHECKIN, "rrule": "FREQ=DAILY", "start": "2025-05-20T23:30"})
    now = datetime(2025, 5, 20, 20, 0, tzinfo=UTC)  # 21 May 01:00 in Almaty, 23:00 in Moscow

    def seen() -> list[tuple[date, str]]:
        return [(d.occurrence.at.date(), d.status) for d in desk.due(now)]

    # in Almaty it is 21 May: the 20 May check-in is overdue, the 21 May one due today
    assert seen() == [(date(2025, 5, 20), "overdue"), (date(2025, 5, 21), "due")]
    monkeypatch.setattr(desk, "settings", lambda: SimpleNamespace(zone="Europe/Moscow"))
    # in Moscow it is still 20 May: the 21 May check-in is not today yet
    assert seen() == [(date(2025, 5, 20), "overdue")]


# -- export ---------------------------------------------------------------------------------------


def test_export_obligations(desk: Desk, clock: Clock, tmp_path: Path) -> None:
    probation = desk.add_obligation(PROBATION)
    checkin = desk.add_obligation(CHECKIN)
    desk.add_obligation(
        {
            "kind": "restriction",
            "title": "Запрет",
            "restriction_kind": "public_activity",
            "start": "2025-06-26",
            "until": "2027-06-25",
            "decision": "приговор",
        }
    )
    desk.edit_obligation(
        checkin.id, {"moves": [{"original": "2025-04-28T10:00", "to": "2025-04-29T15:00"}]}
    )
    photo = tmp_path / "stamp.jpg"
    photo.write_bytes(b"stamp")
    desk.log_checkin(checkin.id, date(2025, 4, 29), "attended", "", photo)
    desk.log_checkin(checkin.id, date(2025, 5, 12), "missed", "болела")
    desk.log_supervision(probation.id, "labour", date(2025, 3, 10), 2.5, "уборка парка")

    data, obligations, attendance, supervision = desk.export_obligations(
        lang="en", today=date(2025, 5, 25)
    )
    assert [d["id"] for d in data] == [o.id for o in desk.list_obligations()]
    by_id = {d["id"]: d for d in data}
    assert [e["status"] for e in by_id[checkin.id]["attendance"]] == ["attended", "missed"]
    assert by_id[checkin.id]["attendance"][0]["evidence"] == [desk.list_evidence()[0].id]
    assert by_id[probation.id]["supervision"][0]["hours"] == 2.5
    json.dumps(data)  # JSON-ready

    rows = {o.title: o for o in obligations}
    assert rows["Пробация"].kind == "probation"
    assert rows["Пробация"].status == "probation ends in 31 days (last day: 25 June 2025)"
    assert rows["Пробация"].authority == "Служба пробации, инспектор Б."
    assert "являться на отметку" in rows["Пробация"].conditions
    assert rows["Отметка"].schedule == "every 2nd and 4th Monday at 10:00"
    assert rows["Запрет"].kind == "restriction (ban on public activity)"
    assert rows["Запрет"].ends == "25 June 2027"
    first, second = attendance
    # the schedule's times, labelled as scheduled; what was logged is a day, never a time
    assert first.scheduled == (
        "Monday, 28 April 2025, 10:00; moved to: Tuesday, 29 April 2025, 15:00"
    )
    assert first.attended == "29 April 2025"
    assert (first.status, first.note) == ("attended", "[evidence files: 1]")
    assert first.evidence_ids == (desk.list_evidence()[0].id,) and first.record_id
    assert (second.status, second.attended, second.note) == ("missed", "12 May 2025", "болела")
    assert second.obligation == "Отметка, ул. Абая, 1"
    [labour] = supervision
    assert (labour.when, labour.event) == ("10 March 2025", "compulsory labour — 2.5 h")
    assert labour.authority == "Служба пробации"

    _, ru, ru_attendance, _ = desk.export_obligations(lang="ru", today=date(2025, 5, 25))
    assert {o.kind for o in ru} >= {"пробационный контроль", "явка на регистрацию"}
    assert "31 день" in {o.title: o for o in ru}["Пробация"].status
    assert ru_attendance[1].status == "неявка"

    # after the ban is over, its row states that it ended (a fact, not advice)
    _, later, _, _ = desk.export_obligations(lang="en", today=date(2027, 7, 1))
    assert {o.title: o for o in later}["Запрет"].status == "the restriction ended on 25 June 2027"


def test_export_rows_render_in_the_chronology_pdf(desk: Desk) -> None:
    from defender_desk.reports.chronology import ReportInput, render_chronology

    desk.add_obligation(PROBATION)
    checkin = desk.add_obligation(CHECKIN)
    desk.log_checkin(checkin.id, date(2025, 5, 12), "attended")
    _, obligations, attendance, supervision = desk.export_obligations(lang="kk")
    pdf = render_chronology(
        ReportInput(
            owner_name="Сауле",
            period_from="",
            period_until="",
            created_at=datetime(2025, 5, 20, tzinfo=UTC),
            language="kk",
            verification_code="1234",
            chain_head="00" * 32,
            export_id="x",
            obligations=obligations,
            attendance=attendance,
            supervision=supervision,
        )
    )
    assert pdf.startswith(b"%PDF")
