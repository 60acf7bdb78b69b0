-- The outbox claims rows in batches but records an attempt only just before each request, so
-- a crash loses at most the requests in flight: a row claimed (state 'sending') with no
-- attempt recorded is sent again at restart; one with an attempt is not (it may have arrived).

ALTER TABLE outbox ADD COLUMN attempted_at TEXT;
