DROP TRIGGER feed_events_enqueue_webhooks ON feed_events;
DROP FUNCTION enqueue_webhook_deliveries();
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
