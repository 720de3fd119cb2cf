-- The columns every deduplicated event gets (d: the event; links: its identity link, see
-- stitch_join.sql): the site's zone and local date, and the person after stitching.
-- person_id: the user id when the event has one; else its anonymous id's linked user, or
-- the anonymous id itself; else (cookieless: no ids at all) the daily-salted visitor id.
{{site_zone}} AS site_zone,
{{local_date}} AS local_date,
multiIf(
    d.user_id != '', concat('u:', d.user_id),
    d.anonymous_id != '', if(links.linked_user != '', concat('u:', links.linked_user), concat('a:', d.anonymous_id)),
    d.visitor_id) AS person_id
