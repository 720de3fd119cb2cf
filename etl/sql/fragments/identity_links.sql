-- The identity map, from every `identify` event ever loaded (as far back as raw events are
-- kept): anonymous id → user id. Links only go from an anonymous id to a user id, so a
-- person is one lookup away, never a chain. An anonymous id claimed by two users belongs
-- to the first claim (earliest ts, then event_id): deterministic, and a later login on a
-- shared device does not move the earlier user's history. Not bounded by the build's
-- window on purpose: rebuilding an old day applies links learned since.
identity_links AS (
    SELECT site_id, anonymous_id, argMin(user_id, (ts, event_id)) AS linked_user
    FROM events
    WHERE type = 'identify' AND user_id != '' AND anonymous_id != ''
    GROUP BY site_id, anonymous_id
)
