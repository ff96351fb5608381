"""The vault: the key hierarchy (``keyslots``, ``kdf``, ``recovery``) and the encrypted database
(``db``, ``migrations``), with the repositories that later issues add on top.

Nothing here imports Qt; nothing here translates text.
"""
