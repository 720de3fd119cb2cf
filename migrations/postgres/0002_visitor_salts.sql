-- One random salt per UTC day for visitor ids: hash(salt, site, IP, UA). Yesterday's is
-- kept for events that arrive after midnight; older ones are deleted, after which a
-- visitor id can no longer be linked back to an IP.
CREATE TABLE clickstream.visitor_salts (
    day        date PRIMARY KEY,
    salt       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
