-- Joins a deduplicated event (d) to its identity link and drops what is not activity: bots
-- and the identify events themselves.
LEFT JOIN identity_links AS links ON links.site_id = d.site_id AND links.anonymous_id = d.anonymous_id
WHERE NOT d.is_bot AND d.type != 'identify'
