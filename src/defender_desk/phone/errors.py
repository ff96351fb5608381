"""Errors of the phone-evidence code. Fields hold file names she chose and numbers, never the
content of a chat or a photo."""

from __future__ import annotations

from defender_desk.errors import N_, DefenderDeskError


class ChatRefused(DefenderDeskError):
    """The export cannot be imported as a whole; ``reason`` says why. Nothing was kept."""

    message = N_("cannot import the chat {path}: {reason}")
    hint = N_("nothing was imported; export the chat again from the phone and try again")


class ChatLineRefused(ChatRefused):
    """A WhatsApp export that breaks at one line (1-based)."""

    message = N_("cannot import the chat {path}: line {line}: {reason}")


class ChatMessageRefused(ChatRefused):
    """A Telegram export that breaks at one message (0-based index in "messages")."""

    message = N_("cannot import the chat {path}: message {index}: {reason}")


class UnknownChatFormat(DefenderDeskError):
    message = N_("{path} is not a chat export this app can read: {reason}")
    hint = N_(
        "export the chat from WhatsApp (Export chat) or from Telegram Desktop (Export chat "
        "history, machine-readable JSON)"
    )


class MessagesNotFound(DefenderDeskError):
    message = N_("the chat {id} has no message {seq}")


class NotAnImage(DefenderDeskError):
    message = N_("the evidence file {id} is not an image this app can change: {reason}")


class BadBox(DefenderDeskError):
    message = N_("the box {box} does not fit the image ({width}×{height} pixels): {reason}")
    exit_code = 2
