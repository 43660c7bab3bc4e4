/* migrations.c — the database schema as numbered steps, shared by every
 * backend. The SQL is standard apart from two tokens that each dialect
 * spells its own way: @ID@ (an auto-numbered primary key) and @BLOB@.
 *
 * Storage choices, for all tables:
 * - dates are INTEGER days since 1970-01-01 (the program's ib_date), NULL
 *   for unknown/ongoing: 1-3 bytes a date, comparisons without parsing, and
 *   the same value in C and SQL (date(x * 86400, 'unixepoch') shows it);
 * - coded values are their exchange-format text ('agency', 'brp'), so the
 *   tables read on their own and survive reordering of the C enums;
 * - money, hours and floor areas are integer hundredths;
 * - content_hash is a keyed 64-bit SipHash of the delivered content;
 * - the BSN is only stored encrypted (bsn_enc) with a keyed 64-bit look-up
 *   hash (bsn_hash).
 * Episode tables carry sender_id so that one unique index on their natural
 * key, led by (sender_id, person_id), serves the upsert, the per-person
 * reads and the ordered full scans alike. */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
    /* 1: the registry */
    "CREATE TABLE store_meta (name TEXT PRIMARY KEY, value @BLOB@ NOT NULL);\n"
    "CREATE TABLE senders (id @ID@, ref TEXT NOT NULL UNIQUE,\n"
    "  created_at TEXT NOT NULL);\n"
    "CREATE TABLE organisations (id @ID@,\n"
    "  sender_id BIGINT NOT NULL REFERENCES senders (id),\n"
    "  ref TEXT NOT NULL, name TEXT NOT NULL, kvk TEXT, kind TEXT NOT NULL,\n"
    "  certified TEXT, content_hash BIGINT NOT NULL,\n"
    "  UNIQUE (sender_id, ref));\n"
    "CREATE TABLE locations (id @ID@,\n"
    "  sender_id BIGINT NOT NULL REFERENCES senders (id),\n"
    "  ref TEXT NOT NULL, postcode TEXT NOT NULL, house_number TEXT NOT NULL,\n"
    "  municipality TEXT NOT NULL, kind TEXT NOT NULL, capacity INTEGER,\n"
    "  floor_area BIGINT, provider_id BIGINT REFERENCES organisations (id),\n"
    "  certified_until INTEGER, content_hash BIGINT NOT NULL,\n"
    "  UNIQUE (sender_id, ref));\n"
    "CREATE TABLE persons (id @ID@,\n"
    "  sender_id BIGINT NOT NULL REFERENCES senders (id),\n"
    "  ref TEXT NOT NULL, bsn_enc @BLOB@, bsn_hash BIGINT, family_name TEXT,\n"
    "  given_names TEXT, birth_date INTEGER NOT NULL, sex TEXT,\n"
    "  nationality TEXT NOT NULL, language TEXT, category TEXT NOT NULL,\n"
    "  content_hash BIGINT NOT NULL, UNIQUE (sender_id, ref));\n"
    "CREATE INDEX persons_by_sender ON persons (sender_id, id);\n"
    "CREATE INDEX persons_by_bsn ON persons (bsn_hash) WHERE bsn_hash IS NOT NULL;\n"
    "CREATE TABLE stays (id @ID@,\n"
    "  sender_id BIGINT NOT NULL,\n"
    "  person_id BIGINT NOT NULL REFERENCES persons (id),\n"
    "  arrival INTEGER NOT NULL, departure INTEGER,\n"
    "  content_hash BIGINT NOT NULL,\n"
    "  CHECK (departure IS NULL OR departure > arrival),\n"
    "  UNIQUE (sender_id, person_id, arrival));\n"
    "CREATE TABLE registrations (id @ID@,\n"
    "  sender_id BIGINT NOT NULL,\n"
    "  person_id BIGINT NOT NULL REFERENCES persons (id),\n"
    "  kind TEXT NOT NULL, municipality TEXT,\n"
    "  start_date INTEGER NOT NULL, end_date INTEGER,\n"
    "  content_hash BIGINT NOT NULL,\n"
    "  CHECK (end_date IS NULL OR end_date >= start_date),\n"
    "  UNIQUE (sender_id, person_id, start_date, kind));\n"
    "CREATE TABLE employments (id @ID@,\n"
    "  sender_id BIGINT NOT NULL,\n"
    "  person_id BIGINT NOT NULL REFERENCES persons (id),\n"
    "  employer_id BIGINT NOT NULL REFERENCES organisations (id),\n"
    "  agency_id BIGINT REFERENCES organisations (id),\n"
    "  contract TEXT NOT NULL, start_date INTEGER NOT NULL, end_date INTEGER,\n"
    "  hours_per_week BIGINT, monthly_wage BIGINT, sector TEXT,\n"
    "  content_hash BIGINT NOT NULL,\n"
    "  CHECK (end_date IS NULL OR end_date >= start_date),\n"
    "  UNIQUE (sender_id, person_id, start_date, employer_id));\n"
    "CREATE TABLE housings (id @ID@,\n"
    "  sender_id BIGINT NOT NULL,\n"
    "  person_id BIGINT NOT NULL REFERENCES persons (id),\n"
    "  location_id BIGINT NOT NULL REFERENCES locations (id),\n"
    "  provided_by_id BIGINT REFERENCES organisations (id),\n"
    "  start_date INTEGER NOT NULL, end_date INTEGER,\n"
    "  content_hash BIGINT NOT NULL,\n"
    "  CHECK (end_date IS NULL OR end_date >= start_date),\n"
    "  UNIQUE (sender_id, person_id, start_date, location_id));\n"
    "CREATE INDEX housings_by_location ON housings (location_id, start_date);\n"
    "CREATE TABLE life_events (id @ID@,\n"
    "  sender_id BIGINT NOT NULL,\n"
    "  person_id BIGINT NOT NULL REFERENCES persons (id),\n"
    "  event TEXT NOT NULL, event_date INTEGER NOT NULL,\n"
    "  content_hash BIGINT NOT NULL,\n"
    "  UNIQUE (sender_id, person_id, event_date, event));\n"
    /* The audit log outlives what it describes: no foreign keys. */
    "CREATE TABLE audit (id @ID@, at TEXT NOT NULL, actor TEXT NOT NULL,\n"
    "  action TEXT NOT NULL, entity TEXT NOT NULL, entity_id BIGINT NOT NULL,\n"
    "  person_id BIGINT NOT NULL, detail TEXT NOT NULL, hash TEXT NOT NULL);\n"
    "CREATE INDEX audit_by_person ON audit (person_id, id) WHERE person_id <> 0;\n",
    /* 2: the people who use inbeeld, and housing inspections. Passwords are
     * argon2id strings; session and API tokens are stored as the hex of
     * their BLAKE2b-256 hash, never in clear. Times are Unix seconds. A
     * user's municipalities are a comma-separated list of CBS codes. */
    "CREATE TABLE users (id @ID@, name TEXT NOT NULL UNIQUE,\n"
    "  password_hash TEXT NOT NULL, role TEXT NOT NULL,\n"
    "  organisation TEXT NOT NULL, municipalities TEXT NOT NULL,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0,\n"
    "  failed_logins INTEGER NOT NULL DEFAULT 0,\n"
    "  locked_until BIGINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL);\n"
    "CREATE TABLE sessions (id @ID@, token_hash TEXT NOT NULL UNIQUE,\n"
    "  user_id BIGINT NOT NULL REFERENCES users (id), csrf TEXT NOT NULL,\n"
    "  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);\n"
    "CREATE INDEX sessions_by_user ON sessions (user_id);\n"
    "CREATE TABLE api_tokens (id @ID@, token_hash TEXT NOT NULL UNIQUE,\n"
    "  user_id BIGINT NOT NULL REFERENCES users (id), label TEXT NOT NULL,\n"
    "  created_at BIGINT NOT NULL, revoked_at BIGINT);\n"
    "CREATE INDEX api_tokens_by_user ON api_tokens (user_id, id);\n"
    "CREATE TABLE inspections (id @ID@,\n"
    "  location_id BIGINT NOT NULL REFERENCES locations (id),\n"
    "  inspection_date INTEGER NOT NULL, inspector TEXT NOT NULL,\n"
    "  findings TEXT NOT NULL, persons_found INTEGER,\n"
    "  outcome TEXT NOT NULL);\n"
    "CREATE INDEX inspections_by_location ON inspections\n"
    "  (location_id, inspection_date, id);\n"
    /* Scope checks: the persons and locations of a municipality. */
    "CREATE INDEX registrations_by_municipality ON registrations\n"
    "  (municipality, person_id) WHERE municipality IS NOT NULL;\n"
    "CREATE INDEX locations_by_municipality ON locations (municipality, id);\n",
    /* 3: the data version, a random token that changes in the commit of
     * every transaction that changes a registry table (see sqlite.c), so
     * that copies of the registry (the monitor's snapshot) can tell whether
     * they are current. Random, not a counter: a restored backup cannot
     * make an old copy match again. */
    "INSERT INTO store_meta (name, value) VALUES ('data_version', @RANDOM_HEX@);\n",
    /* 4: one person across the chain (docs/linkage.md). A person is a row
     * of `people`; each sender's record (a `persons` row) belongs to one
     * (people_id) and keeps the person it was made with (own_people_id),
     * so that an unlink restores it. Person ids are never used twice, not
     * even after an erasure (AUTOINCREMENT; the audit names persons by
     * them): the sequence starts above every id a person ever had. A
     * person absorbed by a link points to the one it joined (merged_into).
     * identity_hash is a keyed hash of the normalised names, birth date and
     * nationality (rule 3), filled by the program; updated_at (Unix
     * microseconds) tells which record was updated last. link_reviews
     * holds the pairs for a person to decide, and the decisions. */
    "CREATE TABLE people (id @ID_SEQ@, merged_into BIGINT);\n"
    "ALTER TABLE persons ADD COLUMN people_id BIGINT;\n"
    "ALTER TABLE persons ADD COLUMN own_people_id BIGINT;\n"
    "ALTER TABLE persons ADD COLUMN identity_hash BIGINT;\n"
    "ALTER TABLE persons ADD COLUMN link_rule TEXT;\n"
    "ALTER TABLE persons ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;\n"
    "CREATE INDEX people_by_merged_into ON people (merged_into)\n"
    "  WHERE merged_into IS NOT NULL;\n"
    "INSERT INTO people (id) SELECT id FROM persons ORDER BY id;\n"
    "UPDATE persons SET people_id = id, own_people_id = id;\n"
    "@PEOPLE_SEQ_FLOOR@;\n"
    "CREATE INDEX persons_by_people ON persons (people_id);\n"
    "CREATE INDEX persons_by_identity ON persons (identity_hash, people_id)\n"
    "  WHERE identity_hash IS NOT NULL;\n"
    "CREATE INDEX persons_by_birth_date ON persons (birth_date, identity_hash);\n"
    "CREATE INDEX persons_without_bsn_by_birth_date ON persons\n"
    "  (birth_date, identity_hash) WHERE bsn_hash IS NULL;\n"
    "CREATE TABLE link_reviews (id @ID@,\n"
    "  record_a BIGINT NOT NULL, record_b BIGINT NOT NULL,\n"
    "  reason TEXT NOT NULL, score INTEGER NOT NULL, state TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL, decided_by TEXT, decided_at TEXT,\n"
    "  decision_reason TEXT, CHECK (record_a < record_b),\n"
    "  UNIQUE (record_a, record_b));\n"
    "CREATE INDEX link_reviews_by_state ON link_reviews (state, id);\n"
    "CREATE INDEX link_reviews_by_b ON link_reviews (record_b);\n"
    "UPDATE store_meta SET value = @RANDOM_HEX@ WHERE name = 'data_version';\n",
    /* 5: contact moments (docs/formats.md, contacts.csv), keyed like the
     * other episodes. A copy of the registry made before it lacks them, so
     * the data version changes. */
    "CREATE TABLE contacts (id @ID@,\n"
    "  sender_id BIGINT NOT NULL,\n"
    "  person_id BIGINT NOT NULL REFERENCES persons (id),\n"
    "  contact_date INTEGER NOT NULL, kind TEXT NOT NULL, channel TEXT,\n"
    "  topics TEXT, language TEXT, understood TEXT,\n"
    "  content_hash BIGINT NOT NULL,\n"
    "  UNIQUE (sender_id, person_id, contact_date, kind));\n"
    "UPDATE store_meta SET value = @RANDOM_HEX@ WHERE name = 'data_version';\n",
};

int ib_migration_count(void)
{
    return (int)(sizeof migrations / sizeof *migrations);
}

typedef struct token {
    const char *name;
    const char *spelling[2];          /* by ib_dialect */
} token;

static const token tokens[] = {
    {"@ID@", {"INTEGER PRIMARY KEY",
              "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"}},
    {"@BLOB@", {"BLOB", "BYTEA"}},
    /* 128 random bits as 32 hex digits */
    {"@RANDOM_HEX@", {"lower(hex(randomblob(16)))",
                      "md5(random()::text || clock_timestamp()::text)"}},
    /* a primary key whose values are never used twice */
    {"@ID_SEQ@", {"INTEGER PRIMARY KEY AUTOINCREMENT",
                  "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"}},
    /* the next person id above every id a person had (the change log names
     * erased persons too) */
    {"@PEOPLE_SEQ_FLOOR@",
     {"INSERT INTO sqlite_sequence (name, seq) SELECT 'people', max("
      "(SELECT coalesce(max(id), 0) FROM persons),"
      " (SELECT coalesce(max(person_id), 0) FROM audit)) WHERE NOT EXISTS"
      " (SELECT 1 FROM sqlite_sequence WHERE name = 'people');"
      "UPDATE sqlite_sequence SET seq = max(seq,"
      " (SELECT coalesce(max(person_id), 0) FROM audit)) WHERE name = 'people'",
      "SELECT setval(pg_get_serial_sequence('people', 'id'), greatest(1,"
      " (SELECT coalesce(max(id), 0) FROM persons),"
      " (SELECT coalesce(max(person_id), 0) FROM audit)))"}},
};

static const token *token_at(const char *p)
{
    for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++)
        if (strncmp(p, tokens[i].name, strlen(tokens[i].name)) == 0)
            return &tokens[i];
    return NULL;
}

/* Writes the expanded SQL into out (when not NULL); returns its length. */
static size_t expand(const char *src, ib_dialect dialect, char *out)
{
    size_t n = 0;
    for (const char *p = src; *p;) {
        const token *t = *p == '@' ? token_at(p) : NULL;
        const char *s = t ? t->spelling[dialect] : p;
        size_t len = t ? strlen(s) : 1;
        if (out)
            memcpy(out + n, s, len);
        n += len;
        p += t ? strlen(t->name) : 1;
    }
    return n;
}

char *ib_migration_sql(int version, ib_dialect dialect)
{
    if (version < 1 || version > ib_migration_count())
        return NULL;
    const char *src = migrations[version - 1];
    size_t n = expand(src, dialect, NULL);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    expand(src, dialect, out);
    out[n] = '\0';
    return out;
}
