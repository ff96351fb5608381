-- Search by words (issue 15, issue 17): the trigram index is replaced by an index of folded
-- words (`defender_desk.vault.search_index`). Its text is made in Python (case folding, «ё» =
-- «е», Kazakh letters as typed on a Russian layout), so after this SQL the migration step
-- fills it again from the incidents (db.migrate calls search_index.rebuild).
-- ascii tokenizer: the words arrive folded and one space apart; every non-ASCII character is a
-- word character, so index and query cut words identically. detail = none: no positions
-- (queries are word beginnings, all required). prefix 1 and 2: one- and two-letter queries read
-- one list instead of merging every word that starts with them.
DROP TABLE incident_search;
CREATE VIRTUAL TABLE incident_search USING fts5(
    words, tokenize = 'ascii', prefix = '1 2', detail = none
);
INSERT INTO incident_search(incident_search, rank) VALUES ('secure-delete', 1);
