INSERT INTO mart_sources_daily_staging
    (site_id, day, channel, referrer_domain, utm_source, utm_medium, utm_campaign, visitors, sessions, conversions)
WITH
{{deduped_events}},
{{sessionized_events}},
{{sessions}}
SELECT
    site_id,
    {day:Date},
    channel,
    referrer_domain,
    utm_source,
    utm_medium,
    utm_campaign,
    uniqExact(person_id),
    count(),
    sum(conversions)
FROM sessions
GROUP BY site_id, channel, referrer_domain, utm_source, utm_medium, utm_campaign
