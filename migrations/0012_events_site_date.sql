-- The event's date in its site's time zone, as the consumer saw the zone when it loaded the
-- event (the API puts the zone in the Kafka message). Only the marts' speed layer reads it,
-- to put today's events on the site's local day without a rebuild; the exact mart builds
-- compute local dates from the sites' current zones instead, so a zone change is applied
-- by rebuilding. Rows loaded before this column existed get their UTC date.
ALTER TABLE events ADD COLUMN IF NOT EXISTS site_date Date DEFAULT toDate(ts) AFTER ts
