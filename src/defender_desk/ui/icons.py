"""Icons drawn at run time (no image files to ship or leak): the app's shield and the neutral
discreet-mode icon, in a few sizes."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def _shield(size: int) -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 32
    path = QPainterPath()
    path.moveTo(16 * s, 2 * s)
    path.lineTo(28 * s, 6 * s)
    path.cubicTo(28 * s, 18 * s, 24 * s, 25 * s, 16 * s, 30 * s)
    path.cubicTo(8 * s, 25 * s, 4 * s, 18 * s, 4 * s, 6 * s)
    path.closeSubpath()
    p.fillPath(path, QColor("#1f5f8b"))
    p.setPen(QPen(QColor("#ffffff"), max(1.0, 2.2 * s)))
    p.drawPolyline([QPointF(10 * s, 16 * s), QPointF(14.5 * s, 20.5 * s), QPointF(22 * s, 12 * s)])
    p.end()
    return pm


def _neutral(size: int) -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 32
    p.setBrush(QColor("#6b7280"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(5 * s, 3 * s, 22 * s, 26 * s), 3 * s, 3 * s)
    p.setPen(QPen(QColor("#f3f4f6"), max(1.0, 1.6 * s)))
    for y in (10, 15, 20, 25):
        p.drawLine(QPointF(9 * s, y * s), QPointF(23 * s, y * s))
    p.end()
    return pm


def app_icon(discreet: bool = False) -> QIcon:
    icon = QIcon()
    draw = _neutral if discreet else _shield
    for size in SIZES:
        icon.addPixmap(draw(size))
    return icon
