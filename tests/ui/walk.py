"""Every window and dialog of the desktop, built one at a time over a real vault — for the tests
that must hold for all of them (fitting 1366×768 and 1280×720, discreet mode, the keyboard) and
for ``tools/screenshots.py``.

``windows(controller)`` yields ``(name, widget, primary_buttons)``; the caller shows the widget
and checks it; the walk closes it when asked for the next one. The controller must be unlocked
with the scenario of ``tests/ui/conftest.seed_scenario`` (people and incidents) in its vault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QDialog, QWidget

Built = tuple[str, QWidget, list[QWidget]]


def _dialog_buttons(dialog: Any) -> list[QWidget]:
    found = [getattr(dialog, n, None) for n in ("save_button", "cancel_button")]
    return [b for b in found if b is not None]


def close(widget: QWidget) -> None:
    from defender_desk.ui.kit import form

    for source in list(form._sources):  # closing here is the walk's, not hers
        source._baseline = None
        source.draft_id = None
    if isinstance(widget, QDialog):
        QDialog.done(widget, QDialog.DialogCode.Rejected)
    else:
        widget.hide()
    widget.deleteLater()
    QApplication.processEvents()


def ensure_records(controller: Any, tmp: Path) -> dict[str, Any]:
    """An emergency, an obligation of each kind and an evidence file of each kind, if absent."""
    desk = controller.desk
    if desk.list_obligations():
        return {}
    today = desk.today()
    desk.add_obligation(
        {
            "kind": "probation",
            "title": "Пробационный контроль",
            "start": (today - timedelta(days=200)).isoformat(),
            "until": (today + timedelta(days=500)).isoformat(),
            "body": {"name": "Служба пробации Алмалинского района"},
        }
    )
    checkin = desk.add_obligation(
        {
            "kind": "checkin",
            "title": "Отметка в пробации",
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
            "start": f"{(today - timedelta(days=30)).isoformat()}T10:00",
            "zone": "Asia/Almaty",
            "place": "ул. Абая, 10",
        }
    )
    person = next(p for p in desk.list_people() if p.role.value == "family")
    emergency = desk.start_emergency(person.id)
    desk.add_emergency_place({"kind": "police", "name": "РОВД Алмалинского района"})
    incident = desk.list_incidents(newest_first=True, limit=1)[0]
    from defender_desk.practice import _letter_pdf

    pdf = desk.add_evidence_bytes(incident.id, "povestka.pdf", _letter_pdf(), "application/pdf")
    return {"checkin": checkin, "emergency": emergency, "incident": incident, "pdf": pdf}


def windows(controller: Any, tmp: Path) -> Iterator[Built]:
    """Build each window in turn (the main window with every screen, every dialog)."""
    from defender_desk.ui.kit.form import DraftsDialog
    from defender_desk.ui.kit.history import HistoryDialog
    from defender_desk.ui.kit.viewer import EvidenceViewer
    from defender_desk.ui.onboarding import CreateWizard
    from defender_desk.ui.screens.emergency import ListedDialog
    from defender_desk.ui.screens.incident_editor import IncidentEditor
    from defender_desk.ui.screens.obligations import ObligationDialog
    from defender_desk.ui.screens.person_form import PersonDialog
    from defender_desk.ui.tray import PanicWipeDialog
    from defender_desk.ui.unlock import UnlockWindow

    made = ensure_records(controller, tmp)
    desk = controller.desk
    if not desk.list_emergencies(open_only=True):  # the night's dialogs need an open one
        family = [p for p in desk.list_people() if p.role.value == "family"]
        if family:
            desk.start_emergency(family[-1].id)
    mw = controller.main_window
    for key in list(mw.screens):
        mw.show_screen(key)
        yield f"main-{key}", mw, [mw.lock_button, mw.emergency_button]
    mw.hide()

    def built(name: str, make: Callable[[], Any], buttons: Callable[[Any], list[QWidget]]) -> Built:
        widget = make()
        return name, widget, buttons(widget)

    def each(item: Built) -> Iterator[Built]:
        yield item
        close(item[1])

    incident = made.get("incident") or desk.list_incidents(newest_first=True, limit=1)[0]
    yield from each(
        built("incident-new", lambda: IncidentEditor(controller, None, mw), _dialog_buttons)
    )
    yield from each(
        built("incident-edit", lambda: IncidentEditor(controller, incident.id, mw), _dialog_buttons)
    )
    yield from each(built("person-new", lambda: PersonDialog(controller, mw), _dialog_buttons))
    for kind in ("probation", "restriction", "checkin", "hearing"):
        yield from each(
            built(
                f"obligation-{kind}",
                lambda kind=kind: ObligationDialog(controller, kind, None, mw),
                _dialog_buttons,
            )
        )
    screen = mw.screens["obligations"]
    screen.refresh()
    screen.select_obligation((made.get("checkin") or desk.list_obligations()[1]).id)
    for name, action in (
        ("attendance", screen.log_attendance),
        ("move", screen.move_selected),
        ("supervision", screen.add_event),
    ):
        dialog = action()
        if dialog is not None:
            yield from each((f"obligation-{name}", dialog, _dialog_buttons(dialog)))
    em_screen = mw.screens["emergency"]
    em_screen.refresh()
    emergencies = desk.list_emergencies(open_only=True)
    if emergencies:
        em_screen._show_emergency_page(emergencies[0].id)
        places = desk.list_emergency_places()
        for name, make in (
            ("emergency-check", lambda: em_screen.check_place(places[0].id if places else None)),
            ("emergency-steps", em_screen.edit_steps),
            ("emergency-close", em_screen.close_emergency),
        ):
            dialog = make()
            if dialog is not None:
                box = getattr(dialog, "buttons", None)
                yield from each((name, dialog, list(box.buttons()) if box is not None else []))
    for what in ("contact", "place"):
        yield from each(
            built(
                f"emergency-{what}",
                lambda what=what: ListedDialog(controller, what, None, mw),
                _dialog_buttons,
            )
        )
    evidence = desk.list_evidence()
    if evidence:
        ev = next((e for e in evidence if e.media_type == "application/pdf"), evidence[0])
        yield from each(
            built(
                "evidence-viewer",
                lambda: EvidenceViewer(desk, ev, mw),
                lambda w: list(w.buttons.buttons()),
            )
        )
    yield from each(
        built(
            "history",
            lambda: HistoryDialog(desk, incident.id, mw),
            lambda w: list(w.buttons.buttons()),
        )
    )
    desk.save_draft("incident", None, {"title": "Машина у подъезда"})
    yield from each(
        built(
            "drafts",
            lambda: DraftsDialog(controller, desk.list_drafts(), mw),
            lambda w: [w.continue_button, w.discard_button, w.later_button],
        )
    )
    for d in desk.list_drafts():
        desk.delete_draft(d.id)
    yield from each(
        built("panic-wipe", lambda: PanicWipeDialog(controller), lambda w: [w.hold, w.cancel])
    )
    yield from each(
        built(
            "unlock",
            lambda: UnlockWindow(controller),
            lambda w: [w.unlock_button, w.practice_button],
        )
    )
    wizard = CreateWizard(controller)
    for page, button in (
        (0, wizard.start_button),
        (1, wizard.create_button),
        (2, wizard.written_button),
        (3, wizard.finish_button),
    ):
        wizard.go(page)
        yield f"wizard-{page + 1}", wizard, [button]
    close(wizard)
