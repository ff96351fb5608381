"""Fixtures for the desktop tests (pytest-qt, offscreen).

``controller`` builds the real :class:`~defender_desk.ui.app.Controller` over a fresh vault in
``tmp_path`` (cheap KDF through the suite's switch), creates and unlocks it through the facade and
opens the main window with every screen, as the unlock window would. Locking calls the
``restart`` stub instead of re-executing the process; ``controller.restarts`` counts the calls.
``make_controller(lang)`` builds one in another language. Message boxes and file pickers are
answered through their test hooks (``dialogs.set_next_answer``, ``filepicker.set_next_result``);
both queues are emptied around every test.
"""

from __future__ import annotations

import os

# Before anything imports Qt: no display here, and none is wanted. The offscreen screen is the
# size of her laptop's (1366×768), so windows are sized as she sees them.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    _screen = os.path.join(os.path.dirname(__file__), "screens", "1366x768.json")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
os.environ.setdefault("QT_LOGGING_RULES", "*.debug=false;qt.*.info=false")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from defender_desk import i18n
from defender_desk.secret import Secret
from tests.conftest import PASS


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: Any) -> Iterator[None]:
    """Editors still open when a test ends are closed by the fixtures' teardown without the
    unsaved-changes question (it is for her, not for the test's cleanup)."""
    yield
    from defender_desk.ui.kit import form

    for source in list(form._sources):
        source._baseline = None
        source.draft_id = None


@pytest.fixture(autouse=True)
def _clean_hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Unanswered hooks from one test must not answer the next one's questions, and a question
    nobody queued an answer for fails the test at once instead of blocking it forever on a
    modal box nobody can see."""
    from PySide6.QtWidgets import QMessageBox

    from defender_desk.ui import filepicker
    from defender_desk.ui.kit import confirm as dialogs

    def no_modal(self: Any, *args: Any) -> int:
        raise AssertionError(
            f"a real modal {type(self).__name__} opened in a test; queue an answer with"
            " dialogs.set_next_answer / filepicker.set_next_result"
        )

    monkeypatch.setattr(QMessageBox, "exec", no_modal)
    monkeypatch.setattr(filepicker.FilePicker, "exec", no_modal)

    def clear() -> None:
        dialogs._next_answers.clear()
        dialogs.shown.clear()
        filepicker._next_results.clear()
        filepicker.shown.clear()

    clear()
    yield
    clear()
    i18n.set_language("en")


@pytest.fixture
def make_controller(qapp: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    from defender_desk.gui_main import DesktopCore
    from defender_desk.ui.app import Controller

    made: list[Any] = []

    def make(lang: str = "en", *, vault_dir: Path | None = None) -> Any:
        folder = vault_dir or tmp_path / f"vault-{len(made)}"
        c = Controller(qapp, DesktopCore(folder), lang=lang, restart=lambda: None)
        c.restarts = 0

        def restart() -> None:
            c.restarts += 1

        c._restart = restart
        # A test run must never be locked by the idle timer halfway through.
        c.settings = c.settings.model_copy(update={"auto_lock_minutes": 240})
        c.desk.create(Secret.from_text(PASS))
        c.unlocked()
        made.append(c)
        return c

    yield make
    for c in made:
        # Qt's own translations (qtbase_ru/kk) are installed on the shared QApplication: take
        # them off, or the next test starts in another language.
        for translator in c._qt_translators:
            qapp.removeTranslator(translator)
        c._qt_translators = []
        watch = getattr(c, "lock_watch", None)
        if watch is not None:
            watch.idle.stop()
            qapp.removeEventFilter(watch)
        # the controller's app-wide title guard and discreet naming go with it
        qapp.removeEventFilter(c.title_guard)
        from defender_desk.ui.kit import confirm

        confirm.use_neutral_name(None)
        qapp.setApplicationName("DefenderDesk")
        if c.main_window is not None:
            for w in qapp.topLevelWidgets():
                if w is not c.main_window and w.isVisible():
                    w.hide()
            c.main_window.hide()
            c.main_window.deleteLater()
        c.desk.lock()
    qapp.processEvents()


@pytest.fixture
def controller(make_controller: Callable[..., Any]) -> Any:
    return make_controller("en")


@pytest.fixture
def desk(controller: Any) -> Any:
    """The controller's unlocked facade."""
    return controller.desk


def seed_scenario(desk: Any) -> dict[str, Any]:
    """People and incidents from ``shared/seed/scenario.md`` (names invented there), through the
    facade. Returns ``{"people": {key: Person}, "incidents": {key: Incident}}``."""
    people = {
        key: desk.add_person(draft)
        for key, draft in {
            "spouse": {"name": "Ерлан", "role": "family", "relation": "spouse"},
            "mother": {
                "name": "Гульнар",
                "role": "family",
                "relation": "parent",
                "notes": "Кредит в банке",
            },
            "daughter": {"name": "Айгерим", "role": "family", "relation": "child"},
            "akimat": {
                "name": "Отдел внутренней политики акимата",
                "role": "actor",
                "institution": "local_administration",
            },
            "police": {
                "name": "РОВД (районный отдел полиции)",
                "role": "actor",
                "institution": "police",
            },
            "bank": {"name": "Банк (кредитор матери)", "role": "actor", "institution": "bank"},
            "bailiff": {
                "name": "Частный судебный исполнитель",
                "role": "actor",
                "institution": "bailiff",
            },
            "unknown": {"name": "Неизвестный", "role": "actor", "institution": "unknown"},
            "lawyer": {"name": "Адвокат Нурлан", "role": "lawyer"},
        }.items()
    }
    p = {k: v.id for k, v in people.items()}
    incidents = {
        key: desk.add_incident(draft)
        for key, draft in {
            "rally": {
                "category": "120105000000",
                "title": "Митинг у банка: участников переписали",
                "happened": "2016-04",
                "targets_self": True,
                "actor_ids": [p["police"]],
                "channel": "in_person",
            },
            "eviction": {
                "category": "020103000000",
                "title": "Стычка при защите дома заёмщика от выселения",
                "happened": "2017",
                "targets_self": True,
                "actor_ids": [p["bailiff"], p["police"]],
                "channel": "in_person",
            },
            "conversation": {
                "category": "DD-CONVERSATION",
                "title": "«Профилактическая беседа» в акимате",
                "description": "Прекратите общественную деятельность, или вас посадят.",
                "happened": "~2021",
                "targets_self": True,
                "actor_ids": [p["akimat"]],
                "channel": "summons_letter",
                "tags": ["повторялось"],
                "summons": {"who_summoned": "Отдел внутренней политики", "status": "none_stated"},
            },
            "spouse_threat": {
                "category": "020103020200",
                "title": "Угроза мужу: «береги жену, если хочешь видеть её живой»",
                "happened": "~2021",
                "target_ids": [p["spouse"]],
                "actor_ids": [p["unknown"]],
                "channel": "phone_call",
                "severity": 5,
            },
            "creditor": {
                "category": "DD-CREDITOR",
                "title": "Давление на маму через её кредит",
                "happened": "~2021",
                "target_ids": [p["mother"]],
                "actor_ids": [p["bank"]],
                "channel": "via_creditor",
            },
            "planted": {
                "category": "DD-FABRICATED",
                "title": "Дочери подбросили наркотики; всю ночь в РОВД без звонка",
                "happened": "2022-03-14T21:30",
                "target_ids": [p["daughter"]],
                "actor_ids": [p["police"]],
                "channel": "in_person",
                "severity": 5,
                "follow_ups": [{"kind": "lawyer_told", "text": "Нурлан", "when": "2022-03-15"}],
            },
            "seized_phone": {
                "category": "DD-SEIZED-PHONE",
                "title": "Странные SMS с телефона дочери, пока её держали",
                "happened": "2022-03-14T23:00",
                "targets_self": True,
                "target_ids": [p["daughter"]],
                "actor_ids": [p["police"]],
                "channel": "sms",
                "severity": 4,
            },
        }.items()
    }
    return {"people": people, "incidents": incidents}


@pytest.fixture
def scenario(desk: Any) -> dict[str, Any]:
    return seed_scenario(desk)
