-- Phone evidence (issue 18): chat exports parsed into a timeline, messages picked for incidents,
-- senders' numbers and accounts linked to people, what photos and videos say about themselves,
-- and working copies made from images. The export itself is an ordinary evidence file.

-- One imported chat. `evidence_id` is the export as she gave it (WhatsApp .txt or .zip,
-- Telegram result.json), kept byte for byte; deleting that file deletes the chat.
CREATE TABLE chats (
    rid           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    evidence_id   TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    format        TEXT NOT NULL CHECK (format IN ('whatsapp', 'telegram')),
    imported_at   TEXT NOT NULL,             -- UTC instant
    message_count INTEGER NOT NULL CHECK (message_count >= 0),
    first_rid     INTEGER NOT NULL,          -- its messages are rids first_rid … + count - 1
    data          TEXT NOT NULL              -- canonical JSON (also its revision's content)
) STRICT;
CREATE INDEX chats_evidence ON chats(evidence_id);

-- Its messages, in the order of the export: seq 1, 2, 3… at consecutive rids from the chat's
-- `first_rid` (so a chat's messages are a primary-key range and need no second index). `sent_at` is the wall time the export writes
-- (no zone: the phone's local time), `YYYY-MM-DDTHH:MM` or `…:SS`. `sender` is '' for a system
-- line without one. `sender_key` is the sender's normalised identifier when the export gives
-- one ('tel:+77051234567', 'telegram:user123456789'). Where the message sits in the export:
-- WhatsApp — `line` (1-based) and `byte_offset`/`byte_length` of its lines in the chat text;
-- Telegram — `json_index` (0-based, in "messages") and the export's message id `source_id`.
CREATE TABLE chat_messages (
    rid         INTEGER PRIMARY KEY,         -- the search index refers to it
    chat_id     TEXT NOT NULL,               -- deleted with the chat (trigger chats_delete)
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    sent_at     TEXT NOT NULL,
    sender      TEXT NOT NULL,
    sender_key  TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('message', 'system')),
    text        TEXT NOT NULL,
    attachments TEXT NOT NULL,               -- JSON array of file names as the export gives them
    line        INTEGER,
    byte_offset INTEGER,
    byte_length INTEGER,
    json_index  INTEGER,
    source_id   INTEGER
) STRICT;
CREATE INDEX chat_messages_sender ON chat_messages(sender_key) WHERE sender_key IS NOT NULL;

-- Search in messages: its own index, apart from the incidents'. Words (unicode61, case-folded
-- for Cyrillic and Kazakh, searched by prefix), not trigrams: a 200 MB chat indexes several
-- times faster. Contentless (the text is in chat_messages). rowid = chat_messages.rid.
CREATE VIRTUAL TABLE chat_search USING fts5(
    sender, text, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO chat_search(chat_search, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER chat_messages_unindex AFTER DELETE ON chat_messages BEGIN
    DELETE FROM chat_search WHERE rowid = old.rid;
END;

-- A deleted chat takes its messages (a rid range, no scan) and leaves no readable text in the
-- history chain (like history.purge).
CREATE TRIGGER chats_delete AFTER DELETE ON chats BEGIN
    DELETE FROM chat_messages
        WHERE rid BETWEEN old.first_rid AND old.first_rid + old.message_count - 1;
    UPDATE revisions SET nonce = NULL, content = NULL WHERE record_id = old.id;
END;

-- The other files of an export, each its own evidence file (Telegram's media folders).
CREATE TABLE chat_files (
    chat_id     TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,               -- relative path inside the export, '/'-separated
    evidence_id TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    PRIMARY KEY (chat_id, path)
) STRICT;
CREATE INDEX chat_files_evidence ON chat_files(evidence_id);

-- Messages she picked for an incident. Their history record is `<chat>@<incident>` (the set
-- of linked seqs after each change; ids and numbers only, no text).
CREATE TABLE chat_links (
    incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    chat_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    linked_at   TEXT NOT NULL,               -- UTC instant
    PRIMARY KEY (incident_id, chat_id, seq),
    FOREIGN KEY (chat_id) REFERENCES chats(id) ON DELETE CASCADE
) STRICT;
CREATE INDEX chat_links_message ON chat_links(chat_id, seq);

-- A sender's number or account attached to a person (usually an actor). Keyed by the
-- normalised identifier string, so the same number in two chats meets the same person.
CREATE TABLE identifier_people (
    id         TEXT NOT NULL UNIQUE,         -- random: its history record id
    identifier TEXT NOT NULL,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (identifier, person_id)
) STRICT;
CREATE INDEX identifier_people_person ON identifier_people(person_id);

-- The history of a link (record `id`) holds a phone number: purged with it.
CREATE TRIGGER identifier_people_purge AFTER DELETE ON identifier_people BEGIN
    UPDATE revisions SET nonce = NULL, content = NULL WHERE record_id = old.id;
END;

-- What a photo or video says about itself, read once from the decrypted bytes (a cache that
-- can always be recomputed; `sha256` is the content it was read from).
CREATE TABLE evidence_metadata (
    evidence_id TEXT PRIMARY KEY NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL,
    data        TEXT NOT NULL
) STRICT;

-- Working copies: evidence files derived from an original (boxes blacked out, metadata
-- stripped). The original's SHA-256 stays recorded even if the original is deleted.
CREATE TABLE working_copies (
    evidence_id     TEXT PRIMARY KEY NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    original_id     TEXT REFERENCES evidence(id) ON DELETE SET NULL,
    original_sha256 TEXT NOT NULL,
    created_at      TEXT NOT NULL,           -- UTC instant
    data            TEXT NOT NULL            -- canonical JSON: what was changed
) STRICT;
CREATE INDEX working_copies_original ON working_copies(original_id, created_at);

-- Its history record (`<evidence id>@working-copy`) names the original: purged with the copy.
CREATE TRIGGER working_copies_purge AFTER DELETE ON working_copies BEGIN
    UPDATE revisions SET nonce = NULL, content = NULL
        WHERE record_id = old.evidence_id || '@working-copy';
END;
