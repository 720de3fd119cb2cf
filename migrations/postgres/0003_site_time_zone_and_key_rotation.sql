-- Each site counts its days in its own time zone (an IANA name, checked by the CLI; the
-- marts read it at build time). Key rotation keeps the previous key working until
-- previous_key_expires_at, so a site can deploy the new key without losing events; only
-- one previous key is kept: rotating again ends the older key's grace at once.
ALTER TABLE clickstream.sites
    ADD COLUMN timezone                text NOT NULL DEFAULT 'UTC',
    ADD COLUMN previous_key_hash       text UNIQUE,
    ADD COLUMN previous_key_prefix     text,
    ADD COLUMN previous_key_expires_at timestamptz,
    ADD COLUMN key_rotated_at          timestamptz;
