-- Websites allowed to send events. The write key itself is never stored: only its
-- sha256, so a leaked database does not leak keys. site_id is the name the events,
-- marts and dashboards use.
CREATE TABLE clickstream.sites (
    site_id         text PRIMARY KEY CHECK (site_id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    key_hash        text NOT NULL UNIQUE,
    key_prefix      text NOT NULL,
    allowed_origins text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);
