"""PDF evidence is shown (issue 17, item 7: «Файлы такого типа здесь показать нельзя»): its
pages rendered by PDFium from the decrypted bytes in memory — no file is written anywhere."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from defender_desk.ui.kit.viewer import EvidenceViewer


def _pdf(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=24)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(0, 20, f"PAGE {n + 1} OF THE SUMMONS")
    return bytes(pdf.output())


def _files(*roots: Path) -> set[Path]:
    return {p for root in roots for p in root.rglob("*") if p.is_file()}


def test_pdf_pages_are_shown_from_memory(controller, qtbot, tmp_path, monkeypatch):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    desk = controller.desk
    ev = desk.add_evidence_bytes(None, "povestka.pdf", _pdf(3), "application/pdf")
    before = _files(private_tmp, controller.vault_dir)
    viewer = EvidenceViewer(desk, ev)
    qtbot.addWidget(viewer)
    viewer.show()
    QApplication.processEvents()
    assert viewer.kind == "pdf"
    assert len(viewer.pages) == 3
    assert viewer.page_label.text() == "Page 1 of 3"
    assert viewer.image_label.pixmap().width() > 100
    assert not viewer.prev_button.isEnabled() and viewer.next_button.isEnabled()
    viewer.next_button.click()
    viewer.next_button.click()
    assert viewer.page == 2 and viewer.page_label.text() == "Page 3 of 3"
    assert "cannot be shown" not in viewer.note.text()
    fields = {key: field.text() for _label, field, key in viewer.meta_labels}
    assert fields["Kind:"] == "PDF document"
    assert _files(private_tmp, controller.vault_dir) - before <= {
        controller.vault_dir / "vault.db-wal"
    }
    assert os.listdir(private_tmp) == []


def test_a_damaged_pdf_says_so_and_shows_its_fingerprint(controller, qtbot):
    ev = controller.desk.add_evidence_bytes(None, "broken.pdf", b"%PDF-1.7\nnot really", None)
    viewer = EvidenceViewer(controller.desk, ev)
    qtbot.addWidget(viewer)
    assert viewer.kind == "other"
    assert "cannot be shown here" in viewer.note.text()
