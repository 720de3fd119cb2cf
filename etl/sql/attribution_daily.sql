-- The read window of this mart starts lookback + 1 day before the day (etl/marts.ts), so
-- clicks of the lookback window are seen, deduplicated like everything else. Clicks and
-- conversions are joined by person: a click on one device credits a conversion on another
-- once the person is identified on both.
INSERT INTO mart_attribution_daily_staging
    (site_id, day, model, channel, utm_source, utm_campaign, element_id, conversions, revenue)
WITH
{{deduped_events}},
conversions AS (
    SELECT site_id, event_id, person_id, ts, toFloat64OrZero(properties['revenue']) AS revenue
    FROM deduped_events
    WHERE local_date = {day:Date}
      AND has({conversion_types:Array(String)}, type)
),
clicks AS (
    SELECT site_id, person_id, ts AS click_ts, event_id AS click_id,
           (toString(channel), toString(utm_source), toString(utm_campaign), element_id) AS credit
    FROM deduped_events
    -- an empty person_id is "unknown", not one person: never joined
    WHERE type = 'click' AND person_id != '' AND ts < {to:DateTime64(3, 'UTC')}
),
credited AS (
    SELECT
        site_id,
        event_id,
        any(revenue) AS revenue,
        countIf(in_window) AS clicks_in_window,
        argMinIf(credit, (click_ts, click_id), in_window) AS first_credit,
        argMaxIf(credit, (click_ts, click_id), in_window) AS last_credit
    FROM (
        SELECT
            c.site_id AS site_id,
            c.event_id AS event_id,
            c.revenue AS revenue,
            k.credit AS credit,
            k.click_ts AS click_ts,
            k.click_id AS click_id,
            -- a click at the conversion's own millisecond counts: it may be what converted.
            -- Unmatched rows (LEFT JOIN) carry click_ts 1970, never in the window.
            k.click_ts <= c.ts AND k.click_ts >= c.ts - toIntervalMillisecond({lookback_ms:Int64}) AS in_window
        FROM conversions AS c
        LEFT JOIN clicks AS k ON k.site_id = c.site_id AND k.person_id = c.person_id
    )
    GROUP BY site_id, event_id
)
SELECT
    site_id,
    {day:Date},
    m.1 AS model,
    if(clicks_in_window = 0, '(none)', m.2.1) AS channel,
    if(clicks_in_window = 0, '', m.2.2) AS utm_source,
    if(clicks_in_window = 0, '', m.2.3) AS utm_campaign,
    if(clicks_in_window = 0, '', m.2.4) AS element_id,
    count(),
    sum(revenue)
FROM credited
ARRAY JOIN [('first_click', first_credit), ('last_click', last_credit)] AS m
GROUP BY site_id, model, channel, utm_source, utm_campaign, element_id
