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

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import UNEXPECTED, _, as_sentence, describe_error_sentences
from defender_desk.ui.kit import confirm as dialogs

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
    failed = Signal(object)
    ended = Signal()

    def __init__(
        self,
        parent: QWidget,
        label: str,
        fn: JobFn,
        on_done: Callable[[Any], None] | None = None,
        *,
        modal: bool = True,
        on_error: Callable[[BaseException], None] | None = None,
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
        self.on_error = on_error
        self.error: BaseException | None = None
        self.done = False
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

    @property
    def running(self) -> bool:
        return self.thread.isRunning()

    def wait(self, timeout_ms: int = 120_000) -> Any:
        """Process events until the job has ended (tests and scripts); its result."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(timeout_ms)
        app = QCoreApplication.instance()
        while app is not None and not self.done and not deadline.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return self.result

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
        self.done = True
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
        self.failed.emit(exc)
        if self.on_error is not None:
            self.on_error(exc)
        else:
            dialogs.error(self.parent_widget, error_text(exc))


def error_text(exc: BaseException) -> str:
    """An error as the desktop shows it: sentences, in her language, never record content — and
    in discreet mode never the app's name."""
    if isinstance(exc, DefenderDeskError):
        return dialogs.neutral(describe_error_sentences(exc))
    return as_sentence(_(UNEXPECTED).format(kind=type(exc).__name__))


class Background(QObject):
    """Small reads off the GUI thread without a progress dialog (a schedule's next dates, the
    overview's chart data). Each :meth:`run` supersedes the previous one: a result that arrives
    after a newer request is dropped, so fast typing never shows stale text. Errors are passed to
    ``on_error`` (or dropped): these are previews, never the only way to see something."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._generation = 0
        self.jobs: list[tuple[QThread, _Worker]] = []

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._generation += 1
        generation = self._generation
        thread = QThread(self)
        worker = _Worker(lambda _p, _c: fn())
        worker.moveToThread(thread)
        thread.started.connect(worker.run)

        def finished(result: Any) -> None:
            self._end(thread, worker)
            if generation == self._generation:
                on_done(result)

        def failed(exc: BaseException) -> None:
            self._end(thread, worker)
            if generation == self._generation and on_error is not None:
                on_error(exc)

        worker.finished.connect(finished)
        worker.failed.connect(failed)
        self.jobs.append((thread, worker))
        gc.collect()
        gc.disable()
        thread.start()

    def _end(self, thread: QThread, worker: _Worker) -> None:
        thread.quit()
        thread.wait()
        self.jobs = [(t, w) for t, w in self.jobs if t is not thread]
        if not self.jobs:
            gc.enable()

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def wait(self, timeout_ms: int = 60_000) -> None:
        """Process events until every run has ended (tests and scripts)."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(timeout_ms)
        app = QCoreApplication.instance()
        while app is not None and self.jobs and not deadline.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def call_off_gui(fn: Callable[[], Any], parent: QObject | None = None) -> Any:
    """Run ``fn`` in a worker thread and return its result (or raise its error), while the GUI
    thread keeps painting and answering the window system — a local event loop that leaves
    out her input until the call has ended, so nothing else touches the facade meanwhile.

    For short reads that must not run on the GUI thread (the key derivation at unlock, expanding
    recurrence rules, counting 100,000 incidents) where the caller needs the answer to go on."""
    from PySide6.QtCore import QEventLoop

    thread = QThread(parent)
    worker = _Worker(lambda _p, _c: fn())
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finished(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    worker.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
    worker.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    gc.collect()
    gc.disable()
    try:
        thread.start()
        if not outcome:
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        thread.quit()
        thread.wait()
        gc.enable()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
