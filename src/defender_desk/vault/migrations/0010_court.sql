-- The court package (issue 13): what a lawyer keeps of the exports he opened, and the receipts
-- (signed by a lawyer) that she keeps as independent witnesses of her history chain.
-- Existing rows are not touched: both tables start empty.

-- The chain skeleton he received from each signer: the longest line he accepted. An older
-- export is genuine when its chain is a prefix of this; one that contradicts it shows which
-- revisions are gone ("history rewritten"). Public data only (no record content).
CREATE TABLE received_chains (
    signer_key  TEXT NOT NULL,            -- "ssh-ed25519 AAAA…"
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    record_id   TEXT NOT NULL,
    operation   TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    hash        TEXT NOT NULL,            -- lower-case hex
    PRIMARY KEY (signer_key, seq)
) STRICT;

-- Receipts her lawyer signed ("I received your chain head N on my date D"), imported by her.
-- `body` is the signed JSON line, `signature` the armored SSHSIG (namespace
-- defender-desk-receipt-v1) exactly as received; the row is also a revision of kind 'receipt'.
CREATE TABLE receipts (
    id           TEXT PRIMARY KEY NOT NULL,   -- "rc-" + the first 16 hex digits of SHA-256(body)
    witness_key  TEXT NOT NULL,               -- "ssh-ed25519 AAAA…" that signed it
    witness_name TEXT NOT NULL,               -- her contact's name when she imported it
    export_id    TEXT NOT NULL,
    head_seq     INTEGER NOT NULL CHECK (head_seq >= 1),
    head_hash    TEXT NOT NULL,               -- lower-case hex
    received_at  TEXT NOT NULL,               -- the witness's clock, as signed (UTC)
    imported_at  TEXT NOT NULL,               -- her clock (UTC)
    body         BLOB NOT NULL,
    signature    BLOB NOT NULL,
    data         TEXT NOT NULL                -- the row as canonical JSON (also in the history)
) STRICT;
CREATE INDEX receipts_head ON receipts(head_seq);
