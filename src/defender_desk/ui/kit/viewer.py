"""An evidence file shown from memory: pictures, text, and PDF pages (rendered by PDFium from the
decrypted bytes in memory — never a temporary file). Anything else: what it is, its size, its
fingerprint. Nothing is written anywhere; the window deletes itself (and the decrypted content
with it) when closed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QFont, QImage, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, ngettext
from defender_desk.ui.kit.format import file_kind, human_size, is_text_type, local_time
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.screen import fit_to_screen
from defender_desk.ui.kit.widgets import PlainLabel, error_label, name_widget

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.domain.models import Evidence

#: Pages of a PDF rendered at most (a long document is viewed a page at a time).
PDF_SCALE = 1.5


def pdf_page_images(data: bytes, scale: float = PDF_SCALE) -> list[QImage]:
    """Every page of a PDF held in memory, rendered to images (PDFium, from memory only).
    Raises ``ValueError`` for a file PDFium cannot read."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ValueError("not a readable PDF") from exc
    images: list[QImage] = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=scale, rev_byteorder=True)
            fmt = (
                QImage.Format.Format_RGB888
                if bitmap.n_channels == 3
                else QImage.Format.Format_RGBA8888
            )
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, fmt)
            images.append(image.copy())  # own the pixels before PDFium frees its buffer
            bitmap.close()
            page.close()
    finally:
        document.close()
    return images


class EvidenceViewer(QDialog):
    """One evidence file, decrypted into memory."""

    META = (
        N_("File name:"),
        N_("Kind:"),
        N_("Size:"),
        N_("Fingerprint (SHA-256):"),
        N_("File time:"),
        N_("Camera time:"),
        N_("Added to the vault:"),
    )

    def __init__(self, desk: Desk, evidence: Evidence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.evidence = evidence
        self.kind = "other"
        self.pages: list[QPixmap] = []
        self.page = 0
        self._pixmap: QPixmap | None = None
        self.text_view: QPlainTextEdit | None = None
        self.replaced = False
        layout = QVBoxLayout(self)
        self.error = error_label(self)
        self.note = PlainLabel("", self)
        self.note.setWordWrap(True)
        # picture / page area, with page buttons for a PDF
        self.fit_box = QCheckBox(self)
        self.fit_box.setChecked(True)
        self.fit_box.toggled.connect(self._show_pixmap)
        self.prev_button = QPushButton(self)
        self.prev_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button = QPushButton(self)
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        self.page_label = PlainLabel("", self)
        self.scroll = QScrollArea(self)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidgetResizable(True)
        self.image_label = QLabel(self.scroll)
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.image_label)
        controls = QHBoxLayout()
        controls.addWidget(self.fit_box)
        controls.addStretch(1)
        controls.addWidget(self.prev_button)
        controls.addWidget(self.page_label)
        controls.addWidget(self.next_button)
        layout.addLayout(controls)
        layout.addWidget(self.scroll, 1)

        data: bytes | None = None
        try:
            data = desk.read_evidence(evidence.id)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
        if data is not None:
            self._load(data, layout)
        del data
        for w in (self.fit_box, self.scroll):
            w.setVisible(self.kind in ("image", "pdf"))
        for w in (self.prev_button, self.next_button, self.page_label):
            w.setVisible(self.kind == "pdf" and len(self.pages) > 1)
        layout.addWidget(self.note)
        self.meta = QFormLayout()
        self.meta_labels: list[tuple[QLabel, PlainLabel, str]] = []
        for key in self.META:
            label = QLabel(self)
            field = PlainLabel("", self)
            field.setWordWrap(True)
            field.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByKeyboard
                | Qt.TextInteractionFlag.TextSelectableByMouse
            )
            if key == N_("Fingerprint (SHA-256):"):
                field.setFont(QFont("DejaVu Sans Mono"))
            self.meta.addRow(label, field)
            self.meta_labels.append((label, field, key))
        layout.addLayout(self.meta)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate()
        fit_to_screen(self, QSize(880, 680))
        if self.pages:
            self.show_page(0)

    def _load(self, data: bytes, layout: QVBoxLayout) -> None:
        media = self.evidence.media_type
        if media.startswith("image/"):
            image = QImage()
            if image.loadFromData(data):
                self.kind = "image"
                self.pages = [QPixmap.fromImage(image)]
        elif media == "application/pdf" or data[:5] == b"%PDF-":
            try:
                self.pages = [QPixmap.fromImage(i) for i in pdf_page_images(data)]
                self.kind = "pdf" if self.pages else "other"
            except ValueError:
                self.kind = "other"
        elif is_text_type(media):
            self.kind = "text"
            text = data.decode("utf-8", errors="replace")
            self.replaced = "\ufffd" in text and b"\xef\xbf\xbd" not in data
            self.text_view = QPlainTextEdit(self)
            self.text_view.setReadOnly(True)
            self.text_view.setPlainText(text)
            self.text_view.setTabChangesFocus(True)
            layout.addWidget(self.text_view, 1)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Evidence file"))
        self.setAccessibleName(_("Evidence file"))
        ev = self.evidence
        values = {
            N_("File name:"): ev.original_name,
            N_("Kind:"): file_kind(ev.media_type),
            N_("Size:"): human_size(ev.size),
            N_("Fingerprint (SHA-256):"): ev.sha256,
            N_("File time:"): local_time(ev.file_time),
            N_("Camera time:"): local_time(ev.camera_time),
            N_("Added to the vault:"): local_time(ev.added_at),
        }
        for label, field, key in self.meta_labels:
            label.setText(_(key))
            field.setText(values[key])
            field.setAccessibleName(_(key).rstrip(":"))
        self.fit_box.setText(_("Fit to the window"))
        self.fit_box.setAccessibleName(_("Fit the picture to the window"))
        self.image_label.setAccessibleName(_("The picture"))
        self.scroll.setAccessibleName(_("The picture"))
        self.prev_button.setText(_("Previous page"))
        self.next_button.setText(_("Next page"))
        self._update_page_label()
        if self.text_view is not None:
            name_widget(self.text_view, _("The text of the file"))
        shown = _("Shown from memory; no copy of the file is written anywhere.")
        note = {
            "image": shown,
            "pdf": shown,
            "text": shown,
            "other": _(
                "This kind of file cannot be shown here. Its fingerprint (SHA-256) lets anyone"
                " check that a copy is identical."
            ),
        }[self.kind]
        if self.kind == "text" and self.replaced:
            note += " " + _("Some bytes are not valid text and are shown as �.")
        self.note.setText(note)
        self.note.setAccessibleName(note)
        self.error.setAccessibleName(_("Problem"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(_("Close"))
        close.setAccessibleName(_("Close"))

    def _update_page_label(self) -> None:
        n = len(self.pages)
        self.page_label.setText(
            ngettext("Page {page} of {n}", "Page {page} of {n}", n).format(page=self.page + 1, n=n)
            if n
            else ""
        )
        self.prev_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < n - 1)

    def show_page(self, index: int) -> None:
        if not self.pages:
            return
        self.page = min(max(index, 0), len(self.pages) - 1)
        self._pixmap = self.pages[self.page]
        self._update_page_label()
        self._show_pixmap()

    def _show_pixmap(self) -> None:
        if self._pixmap is None:
            return
        area = self.scroll.viewport().size() - QSize(4, 4)
        size = self._pixmap.size()
        if self.fit_box.isChecked() and (
            size.width() > area.width() or size.height() > area.height()
        ):
            self.image_label.setPixmap(
                self._pixmap.scaled(
                    area.expandedTo(QSize(32, 32)),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.image_label.setPixmap(self._pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The scroll area's viewport gets its new size after this event: scale afterwards.
        QTimer.singleShot(0, self._show_pixmap)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._show_pixmap)
