"""A 200 MB chat (generated on the fly, never committed) imports in bounded memory, and a
truncated one is refused with nothing kept — measured with tracemalloc (Python allocations:
the parsers' buffers, the pending rows, every bytes object read)."""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import tracemalloc

import pytest

from defender_desk.app import Desk
from defender_desk.phone.errors import ChatLineRefused
from defender_desk.secret import Secret
from tests.conftest import PASS
from tests.phone import generators as g

SIZE = 200 * 1024 * 1024
#: What a streaming import may allocate at its peak (the file is 200 MiB).
LIMIT = 32 * 1024 * 1024
HEADER = re.compile(rb"^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} - ")


@pytest.mark.slow
def test_a_200_mb_chat_in_bounded_memory(tmp_path):
    path = tmp_path / "Чат WhatsApp с группой Семья.txt"
    sha = hashlib.sha256()
    lines = 0
    with open(path, "wb") as f:
        for line in g.big_whatsapp_lines(SIZE, long=True):
            f.write(line)
            sha.update(line)
            lines += bool(HEADER.match(line))
    size = path.stat().st_size
    assert size >= SIZE
    desk = Desk(tmp_path / "vault")
    desk.create(Secret.from_text(PASS))
    try:
        # 1. Cut off at the end: refused after reading it all, nothing kept, memory bounded.
        with open(path, "ab") as f:
            f.write("01.01.2030, 10:00 - Сауле: обрыв".encode())
        tracemalloc.start()
        try:
            with pytest.raises(ChatLineRefused):
                desk.import_chat(path)
            _, refused_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        os.truncate(path, size)
        assert desk.list_evidence() == [] and desk.list_chats() == []
        assert not [p for p in desk.paths.objects.rglob("*") if p.is_file()]

        # 2. Whole: imported in one transaction, memory bounded.
        tracemalloc.start()
        try:
            chat = desk.import_chat(path)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"\n200 MB chat: {size} bytes, {chat.message_count} messages, tracemalloc peak "
              f"{peak / 2**20:.1f} MiB (refused: {refused_peak / 2**20:.1f} MiB), "
              f"max RSS {rss} MiB")  # fmt: skip
        assert peak < LIMIT and refused_peak < LIMIT
        ev = desk.evidence.get(chat.evidence_id)
        assert ev.size == size and ev.sha256 == sha.hexdigest()
        assert chat.message_count == lines
        last = desk.chat_messages(chat.id, "конецпроверки")
        assert [m.seq for m in last] == [chat.message_count]
    finally:
        desk.lock()
        path.unlink(missing_ok=True)  # 200 MiB, and the vault's copy: not kept by pytest
        shutil.rmtree(tmp_path / "vault", ignore_errors=True)
