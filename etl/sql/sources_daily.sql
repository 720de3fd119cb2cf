-- Built with the sessions of the day, from the rows the sessions build has just staged
-- (etl/marts.ts): the sessions started on the day, by their first event's source.
INSERT INTO mart_sources_daily_staging
    (site_id, day, channel, referrer_domain, utm_source, utm_medium, utm_campaign, visitors, sessions, conversions)
SELECT
    site_id,
    day,
    channel,
    referrer_domain,
    utm_source,
    utm_medium,
    utm_campaign,
    uniqExact(person_id),
    count(),
    sum(conversions)
FROM mart_sessions_staging
WHERE day = {day:Date}
GROUP BY site_id, day, channel, referrer_domain, utm_source, utm_medium, utm_campaign
