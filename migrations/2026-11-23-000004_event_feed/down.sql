DROP FUNCTION append_feed_event(TEXT, TEXT, TEXT, JSONB, UUID, UUID);
DROP TABLE feed_events;
DROP FUNCTION refuse_feed_change();
DROP TABLE feed_counter;
