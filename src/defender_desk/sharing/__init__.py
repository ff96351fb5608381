"""Sharing building blocks: pure functions and streams, no vault, no files, no network.

* :mod:`.sshsig` — OpenSSH SSHSIG signatures (``manifest.sig``, checked by
  ``ssh-keygen -Y verify``), Ed25519 public keys as ``ssh-ed25519 AAAA…`` lines and
  ``allowed_signers`` lines; the errors for rejected keys.
* :mod:`.keys` — bech32; age X25519 recipients (validated, with a clear error for a secret key,
  an SSH key, a post-quantum or plugin recipient, a typo or a cut-off key) and identities from a
  seed (the recovery identity); the public card (``defender-desk-card-1 age1… ssh-ed25519 …``),
  its QR code and its 20-digit verification code.
* :mod:`.zipstream` — a streaming ZIP writer (push onto a file, or a readable stream for
  ``pyrage.encrypt_io``) that hashes each entry, and a reader for hostile ZIPs with caps.

The export, open-export and backup flows that use them live elsewhere.
"""
