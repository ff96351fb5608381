# ruff: noqa: E501 - the commands are copied whole, one per line
"""``README.txt`` of a folder saved for court: what each file is and the exact commands, in
Russian, Kazakh and English (the three together, whatever the interface language: the reader
is the court's expert).

The commands are written once, language-neutral, after the three texts. They need only stock
tools: OpenSSH's ``ssh-keygen`` (8.1 or later; part of Windows 10 and later), ``sha256sum``
(``shasum -a 256`` on macOS) or PowerShell's ``Get-FileHash``, and ``find``/``sort``/``diff``
or PowerShell's ``Compare-Object``. No record content is written here (no names, no titles):
only keys, codes, hashes and dates.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path

from defender_desk import safewrite
from defender_desk.errors import N_, FolderProblem
from defender_desk.sharing import export as export_mod
from defender_desk.sharing import receipts as receipts_mod
from defender_desk.sharing.open_export import OpenedExport, SaveRefused
from defender_desk.sharing.sshsig import (
    EXPORT_NAMESPACE,
    allowed_signers_line,
    parse_openssh_public_key,
)
from defender_desk.sharing.zipstream import entry_name_problem

__all__ = ["ALLOWED_SIGNERS", "COURT_EXTRAS", "README", "readme_text", "save_for_court"]

_EXTRAS = "SHA256SUMS manifest.json manifest.sig allowed_signers README.txt"

_RU = """\
== Русский ==

Эта папка сохранена программой Defender Desk {saved} из выгрузки, подписанной её составителем.
Папка полная: её можно проверить только стандартными программами (команды — в конце файла).

Выгрузка: {export_id}, создана {created} (по часам компьютера составителя).
Код проверки составителя: {code}
Отпечаток ключа подписи составителя: {fingerprint}
{verified_ru}
Что здесь лежит:
  report.pdf         отчёт для печати (хронология), как его сделала программа составителя
  data.json          каждая запись отчёта с доказательством связи с цепочкой истории
  schema.json        схема JSON (JSON Schema) файла data.json
  evidence/          файлы-доказательства, байт в байт такие, какими их добавил составитель
  receipts/          расписки свидетелей (…json — расписка, …json.sig — подпись свидетеля)
  SHA256SUMS         хеш SHA-256 каждого из файлов выше
  manifest.json      список файлов с размерами и хешами, скелет цепочки истории, ключи
                     составителя — подписан составителем
  manifest.sig       подпись составителя под manifest.json (SSHSIG)
  allowed_signers    ключ подписи составителя и ключи свидетелей для ssh-keygen; записан
                     программой, сохранившей папку, в подписанную выгрузку не входит
  README.txt         этот текст; в подписанную выгрузку не входит

Проверка (команды [1]–[4] ниже):
  [1] подпись составителя под manifest.json: должно быть «Good … signature for author» и
      отпечаток {fingerprint} — сверьте его с отпечатком, полученным от составителя лично;
  [2] каждый файл — тот, что был подписан: каждая строка заканчивается на «: OK», а хеш
      SHA256SUMS найден в manifest.json;
  [3] ни один файл не добавлен, не удалён и не переименован: diff ничего не выводит
      (PowerShell: Compare-Object ничего не выводит);
  [4] каждая расписка: «Good … signature for rc-…».

Что это доказывает: файлы в точности те, что подписал составитель, и каждая запись связана со
своей редакцией в цепочке истории. Даты редакций записаны по часам компьютера составителя.
Расписка свидетеля добавляет независимую дату: свидетель своей подписью и по своим часам
подтверждает, что получил цепочку до редакции N; значит, каждая запись до редакции N
существовала не позднее этой даты, что бы ни показывали часы составителя.
"""

_KK = """\
== Қазақша ==

Бұл қалтаны Defender Desk бағдарламасы {saved} құрастырушы қол қойған экспорттан сақтады.
Қалта толық: оны тек стандартты бағдарламалармен тексеруге болады (командалар файлдың соңында).

Экспорт: {export_id}, жасалған уақыты {created} (құрастырушының компьютер сағаты бойынша).
Құрастырушының тексеру коды: {code}
Құрастырушының қолтаңба кілтінің саусақ ізі: {fingerprint}
{verified_kk}
Мұнда не бар:
  report.pdf         басып шығаруға арналған есеп (хронология), құрастырушының бағдарламасы
                     жасағандай
  data.json          есептегі әр жазба және оның тарих тізбегімен байланысының дәлелі
  schema.json        data.json файлының JSON сұлбасы (JSON Schema)
  evidence/          дәлелдеме файлдары, құрастырушы қосқандай, байтқа дейін өзгеріссіз
  receipts/          куәлардың қолхаттары (…json — қолхат, …json.sig — куәның қолтаңбасы)
  SHA256SUMS         жоғарыдағы әр файлдың SHA-256 хэші
  manifest.json      файлдар тізімі, олардың өлшемі мен хэші, тарих тізбегінің қаңқасы,
                     құрастырушының кілттері — құрастырушы қол қойған
  manifest.sig       құрастырушының manifest.json файлына қойған қолтаңбасы (SSHSIG)
  allowed_signers    ssh-keygen үшін құрастырушының және куәлардың кілттері; қалтаны сақтаған
                     бағдарлама жазған, қол қойылған экспортқа кірмейді
  README.txt         осы мәтін; қол қойылған экспортқа кірмейді

Тексеру (төмендегі [1]–[4] командалар):
  [1] құрастырушының manifest.json файлына қойған қолтаңбасы: «Good … signature for author»
      және {fingerprint} саусақ ізі шығуы керек — оны құрастырушыдан жеке алған саусақ
      ізімен салыстырыңыз;
  [2] әр файл — қол қойылған файлдың өзі: әр жол «: OK» деп аяқталады, ал SHA256SUMS хэші
      manifest.json ішінде табылады;
  [3] бірде-бір файл қосылмаған, жойылмаған және атауы өзгертілмеген: diff ештеңе
      шығармайды (PowerShell: Compare-Object ештеңе шығармайды);
  [4] әр қолхат: «Good … signature for rc-…».

Бұл нені дәлелдейді: файлдар дәл құрастырушы қол қойған файлдар, және әр жазба тарих
тізбегіндегі өз нұсқасымен байланысты. Нұсқалардың күні құрастырушының компьютер сағаты
бойынша жазылған. Куәның қолхаты тәуелсіз күн қосады: куә өз қолтаңбасымен және өз сағаты
бойынша тізбекті N нұсқаға дейін алғанын растайды; демек, N нұсқаға дейінгі әр жазба
осы күннен кешіктірмей болған, құрастырушының сағаты не көрсетсе де.
"""

_EN = """\
== English ==

This folder was saved by Defender Desk {saved} from an export signed by its author.
It is complete: it can be checked with standard tools alone (the commands are at the end).

Export: {export_id}, made {created} (by the author's computer clock).
The author's verification code: {code}
The author's signing key fingerprint: {fingerprint}
{verified_en}
What is here:
  report.pdf         the printable report (chronology), as the author's app made it
  data.json          every record in the report, with the proof that ties it to the history
                     chain
  schema.json        the JSON Schema of data.json
  evidence/          the evidence files, byte for byte as the author added them
  receipts/          witnesses' receipts (…json: the receipt, …json.sig: the witness's signature)
  SHA256SUMS         the SHA-256 hash of each file above
  manifest.json      the list of files with their sizes and hashes, the history chain's
                     skeleton, the author's keys — signed by the author
  manifest.sig       the author's signature over manifest.json (SSHSIG)
  allowed_signers    the author's and the witnesses' signing keys, for ssh-keygen; written by
                     the app that saved this folder, not part of the signed export
  README.txt         this text; not part of the signed export

The checks (commands [1]–[4] below):
  [1] the author's signature over manifest.json: "Good … signature for author" with the
      fingerprint {fingerprint} — compare it with the fingerprint the author gave you in person;
  [2] every file is the one signed: every line ends in ": OK", and the hash of SHA256SUMS is
      found in manifest.json;
  [3] no file was added, removed or renamed: diff prints nothing (PowerShell: Compare-Object
      prints nothing);
  [4] each receipt: "Good … signature for rc-…".

What this proves: the files are exactly those the author signed, and each record is tied to its
revision in the history chain. The revisions are dated by the author's own computer clock. A
witness's receipt adds an independent date: the witness confirms, with his own signature and by
his own clock, that he received the chain up to revision N; so every record up to revision N
existed no later than that date, whatever the author's clock said.
"""

_COMMANDS = """\
== Commands / Команды / Командалар ==

Linux, macOS (in this folder):

[1] ssh-keygen -Y verify -f allowed_signers -I author -n defender-desk-export-v1 -s manifest.sig < manifest.json

[2] sha256sum -c --strict SHA256SUMS
    grep "$(sha256sum SHA256SUMS | cut -c1-64)" manifest.json
    (macOS: shasum -a 256 -c SHA256SUMS, and shasum -a 256 instead of sha256sum in the grep)

[3] find . -type f | sed 's|^\\./||' | LC_ALL=C sort > ../actual.txt
    ( cut -c67- SHA256SUMS; printf '%s\\n' {extras} ) | LC_ALL=C sort > ../expected.txt
    diff ../expected.txt ../actual.txt && echo "no file added, removed or renamed"

[4] {receipt_unix}

Windows (PowerShell, in this folder; OpenSSH is part of Windows 10 and later):

[1] cmd /c "ssh-keygen -Y verify -f allowed_signers -I author -n defender-desk-export-v1 -s manifest.sig < manifest.json"

[2] Get-Content -Encoding UTF8 SHA256SUMS | % {{ $h, $n = $_ -split '  ', 2; if ((Get-FileHash -Algorithm SHA256 -LiteralPath $n).Hash.ToLower() -ne $h) {{ "CHANGED: $n" }} }}
    Select-String -SimpleMatch -Pattern (Get-FileHash -Algorithm SHA256 SHA256SUMS).Hash.ToLower() -Path manifest.json

[3] $expected = @(Get-Content -Encoding UTF8 SHA256SUMS | % {{ $_.Substring(66) }}) + @({extras_ps})
    $actual = Get-ChildItem -Recurse -File | % {{ $_.FullName.Substring($PWD.Path.Length + 1).Replace('\\', '/') }}
    Compare-Object $expected $actual

[4] {receipt_windows}
"""


def _receipt_commands(opened: OpenedExport) -> tuple[str, str]:
    if not opened.receipts:
        return "(no receipts in this export)", "(no receipts in this export)"
    unix, windows = [], []
    for r in opened.receipts:
        base = f"receipts/{r.id}.json"
        command = (
            f"ssh-keygen -Y verify -f allowed_signers -I {r.id} -n defender-desk-receipt-v1"
            f" -s {base}.sig < {base}"
        )
        unix.append(command)
        windows.append(f'cmd /c "{command}"')
    return "\n    ".join(unix), "\n    ".join(windows)


def readme_text(opened: OpenedExport, *, saved_on: str = "") -> str:
    """The README for a folder saved from ``opened`` (``saved_on``: the date, ISO)."""
    contact = opened.signer.contact
    verified = contact.verified_on.isoformat() if contact and contact.verified_on else ""
    fields = {
        "saved": saved_on,
        "export_id": opened.export_id,
        "created": opened.created_at,
        "code": opened.signer.verification_code or "—",
        "fingerprint": opened.signer.fingerprint,
        "verified_ru": (
            f"Этот ключ сверен с составителем лично {verified} (по записи программы,"
            " сохранившей папку).\n"
            if verified
            else ""
        ),
        "verified_kk": (
            f"Бұл кілт құрастырушымен {verified} жеке салыстырылған (қалтаны сақтаған"
            " бағдарламаның жазбасы бойынша).\n"
            if verified
            else ""
        ),
        "verified_en": (
            f"This key was compared in person with the author on {verified} (as recorded by"
            " the app that saved this folder).\n"
            if verified
            else ""
        ),
    }
    receipt_unix, receipt_windows = _receipt_commands(opened)
    witnesses = [
        f"  {r.id}: head {r.head_seq} · {r.received_at} · {r.fingerprint} · {r.witness_code or '—'}"
        for r in opened.receipts
    ]
    text = "\n".join(
        [
            "Defender Desk — " + export_mod.MANIFEST_FORMAT,
            "",
            _RU.format(**fields),
            _KK.format(**fields),
            _EN.format(**fields),
            "== Receipts / Расписки / Қолхаттар ==",
            "",
            *(witnesses or ["  —"]),
            "",
            _COMMANDS.format(
                extras=_EXTRAS,
                extras_ps=", ".join(f"'{x}'" for x in _EXTRAS.split()),
                receipt_unix=receipt_unix,
                receipt_windows=receipt_windows,
            ),
        ]
    )
    return text


# --- save for court ------------------------------------------------------------------------------

_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?", re.IGNORECASE)
README = "README.txt"
ALLOWED_SIGNERS = "allowed_signers"
#: Files the lawyer's app adds to a saved folder (not part of her signed export).
COURT_EXTRAS = (README, ALLOWED_SIGNERS)


def _allowed_signers(opened: OpenedExport) -> bytes:
    lines = [
        allowed_signers_line(
            "author", parse_openssh_public_key(opened.signer.signing_key), EXPORT_NAMESPACE
        )
    ]
    for r in opened.receipts:
        lines.append(
            allowed_signers_line(
                r.id, parse_openssh_public_key(r.witness_key), receipts_mod.NAMESPACE
            )
        )
    return ("\n".join(lines) + "\n").encode("ascii")


def save_for_court(opened: OpenedExport, folder: Path, *, saved_on: str = "") -> list[Path]:
    """Write every file of the export (the report, data.json and schema.json, the evidence
    files, the receipts, SHA256SUMS), ``manifest.json`` and ``manifest.sig``, plus a
    ``README.txt`` for the court's expert (what each file is and the exact commands, in
    Russian, Kazakh and English) and an ``allowed_signers`` file, into ``folder`` (created if
    missing). The folder is complete and self-checking: ``sha256sum -c --strict SHA256SUMS``
    passes in it and ``ssh-keygen -Y verify`` passes on its manifest.

    Only a fully verified export (signature, every file, known signer, chain, receipts) is
    saved; existing files are never overwritten. After this the files are readable by anyone
    with access to that disk — the fronts say so first. Returns the paths written. On an error,
    files already written stay (each is complete)."""
    if not opened.ok:
        raise SaveRefused(reason=N_("the export did not verify completely"))
    wanted = [f.name for f in opened.files]
    targets: list[tuple[str, Path]] = []
    root = folder.absolute()
    for name in wanted:
        parts = name.split("/")
        if entry_name_problem(name) is not None or any(_RESERVED.fullmatch(p) for p in parts):
            raise SaveRefused(reason=N_("a file name cannot be used on this computer"))
        if name in COURT_EXTRAS:
            raise SaveRefused(reason=N_("a file name cannot be used on this computer"))
        target = root.joinpath(*parts)
        if target.exists() or target.is_symlink():
            raise FolderProblem(path=str(target), reason=N_("a file with that name already exists"))
        targets.append((name, target))
    for name in (export_mod.MANIFEST, export_mod.SIGNATURE, *COURT_EXTRAS):
        target = root / name
        if target.exists() or target.is_symlink():
            raise FolderProblem(path=str(target), reason=N_("a file with that name already exists"))
    safewrite.ensure_private_dir(root)
    written: list[Path] = []
    for name, target in targets:
        safewrite.ensure_private_dir(target.parent)
        index = opened._zip.index_of(name)
        verdict = next(f for f in opened.files if f.name == name)
        assert index is not None
        sha = hashlib.sha256()
        with safewrite.atomic_stream(target, overwrite=False) as out:
            for chunk in opened._zip.iter_chunks(index):
                sha.update(chunk)
                out.write(chunk)
            if sha.hexdigest() != verdict.expected_sha256:  # pragma: no cover - memory changed
                raise SaveRefused(reason=N_("a file changed in memory"))
        written.append(target)
    for name, content in (
        (export_mod.MANIFEST, opened.manifest_bytes),
        (export_mod.SIGNATURE, opened.signature),
        (ALLOWED_SIGNERS, _allowed_signers(opened)),
        (README, readme_text(opened, saved_on=saved_on).encode("utf-8")),
    ):
        safewrite.write_bytes(root / name, content, overwrite=False)
        written.append(root / name)
    with contextlib.suppress(OSError):
        safewrite.fsync_dir(root)
    return written
