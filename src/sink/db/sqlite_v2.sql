-- vanban database schema, version 2 (SQLite): what a quantity measures
-- (issue 7) and the findings list. Rows stored under version 1 keep NULL in
-- the new columns; `vanban ingest --force` fills them.

ALTER TABLE numbers ADD COLUMN unit TEXT;        -- ha, người, đồng (value already scaled)
ALTER TABLE numbers ADD COLUMN counted TEXT;     -- the noun phrase counted
ALTER TABLE numbers ADD COLUMN qualifier TEXT;   -- trên, gần, tối đa, trở lên…
ALTER TABLE percentages ADD COLUMN share_of TEXT; -- what it is a share of (`of` in the record)
ALTER TABLE dates ADD COLUMN role TEXT;          -- reference | document | event
CREATE INDEX numbers_unit ON numbers (unit);

-- Inconsistencies found in a document (percentage_mismatch…), at the
-- place of the first entity involved.
CREATE TABLE findings (
    document_id INTEGER NOT NULL,
    ord         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    severity    TEXT    NOT NULL,  -- notice | warning
    message     TEXT    NOT NULL,
    details     TEXT,              -- JSON
    start_char  INTEGER,
    end_char    INTEGER,
    page        INTEGER,
    section     INTEGER,
    PRIMARY KEY (document_id, ord)
);
CREATE INDEX findings_kind ON findings (kind);
