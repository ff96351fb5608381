"""The desktop's small toolkit: what every screen shares, written once.

- :mod:`.host` — what a window may ask of the controller (a protocol, so nothing imports the
  controller back);
- :mod:`.screen` — the screen base class and re-translation;
- :mod:`.widgets` — plain-text labels, the secret field, hold-to-confirm, combo helpers;
- :mod:`.confirm` — every question and message box, with a test hook, and the hold-to-confirm
  dialog for destructive actions;
- :mod:`.jobs` — long work off the GUI thread with progress, cancel and a translated error;
- :mod:`.form` — editors: modified tracking, Save / Discard / Keep editing on close, encrypted
  drafts in the vault before any lock, fitting a 1366×768 screen;
- :mod:`.listing` — a lazy table model over the facade with an empty state;
- :mod:`.viewer` — an evidence file shown from memory (images, text, PDF pages).
"""
