-- Sharing: trusted contacts and the log of exports made and opened.
-- Her own keys (the Ed25519 signing key, the age receiving identity) and the time of the last
-- backup live in `meta` (sharing_signing_key, sharing_receiving_identity, last_backup_at).

CREATE TABLE contacts (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('lawyer', 'colleague', 'organisation', 'family')),
    age_recipient TEXT NOT NULL UNIQUE,   -- canonical age1… (lower case)
    signing_key   TEXT UNIQUE,            -- canonical "ssh-ed25519 AAAA…", NULL if not given
    verified_on   TEXT,                   -- ISO date of the in-person comparison, NULL if not yet
    data          TEXT NOT NULL           -- the contact as canonical JSON (also in the history)
) STRICT;

-- One row per export she made ('sent') or opened ('received'). For received exports the chain
-- head lets the next export from the same signer be checked: it must extend every earlier head
-- (an export whose head is behind one already seen is an older export replayed).
CREATE TABLE export_log (
    direction   TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    signer_key  TEXT NOT NULL,            -- "ssh-ed25519 AAAA…"
    export_id   TEXT NOT NULL,
    head_seq    INTEGER NOT NULL,
    head_hash   TEXT NOT NULL,            -- lower-case hex
    created_at  TEXT NOT NULL,            -- as stated in the manifest
    logged_at   TEXT NOT NULL,
    PRIMARY KEY (direction, signer_key, export_id)
) STRICT;
CREATE INDEX export_log_signer ON export_log(signer_key, head_seq);
