"""Long work (import, export, backup, restore) off the GUI thread, with progress and cancel.

The job function receives ``progress(done, total)`` and ``cancelled() -> bool`` and runs in a
``QThread``; results and errors come back by signal. While a job runs the window shows a modal
progress dialog, so nothing else uses the facade at the same time.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import _, describe_error
from defender_desk.ui import dialogs

JobFn = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class _Worker(QObject):
    progressed = Signal(object, object)  # Python ints: sizes above 2 GiB must not overflow
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: JobFn) -> None:
        super().__init__()
        self.fn = fn
        self.cancel_event = threading.Event()

    def run(self) -> None:
        try:
            result = self.fn(self._progress, self.cancel_event.is_set)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread
            self.failed.emit(exc)
            return
        self.finished.emit(result)

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)


class Job(QObject):
    """Runs ``fn`` in a thread; ``done(result)`` or an error message box afterwards."""

    succeeded = Signal(object)
    ended = Signal()

    def __init__(
        self,
        parent: QWidget,
        label: str,
        fn: JobFn,
        on_done: Callable[[Any], None] | None = None,
        *,
        modal: bool = True,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.thread = QThread(self)
        self.worker = _Worker(fn)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.on_done = on_done
        self.error: BaseException | None = None
        self.result: Any = None
        self.dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
        self.dialog.setWindowModality(
            Qt.WindowModality.WindowModal if modal else Qt.WindowModality.NonModal
        )
        self.dialog.setMinimumDuration(300)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.setAccessibleName(label)

    def start(self) -> Job:
        # Python's garbage collector could otherwise run in the worker thread and destroy Qt
        # objects there (Qt objects must die in their own thread): collect now, on the GUI
        # thread, and pause automatic collection until the job ends.
        gc.collect()
        gc.disable()
        self.thread.start()
        return self

    def cancel(self) -> None:
        self.worker.cancel_event.set()

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            scale = max(1, total // 1_000_000)
            self.dialog.setMaximum(total // scale)
            self.dialog.setValue(min(done, total) // scale)

    def _finish(self) -> None:
        gc.enable()
        self.thread.quit()
        self.thread.wait()
        self.dialog.reset()
        self.dialog.close()
        self.ended.emit()

    def _on_finished(self, result: Any) -> None:
        self.result = result
        self._finish()
        if self.on_done is not None:
            self.on_done(result)
        self.succeeded.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self.error = exc
        self._finish()
        dialogs.error(self.parent_widget, error_text(exc))


def error_text(exc: BaseException) -> str:
    if isinstance(exc, DefenderDeskError):
        return describe_error(exc)
    from defender_desk import i18n

    return _(i18n.UNEXPECTED).format(kind=type(exc).__name__)
