-- Slack event ids already taken by a replica, so a retried delivery (Slack retries when the ack is
-- late or lost, and may retry to another replica) is answered once. Global, not tenant data: an
-- event id is an opaque Slack identifier and carries no one's content. Rows older than a day are
-- pruned by the application; Slack retries within minutes.
CREATE TABLE slack_events (
    event_id text PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 200),
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_events_received_at ON slack_events (received_at);

GRANT SELECT, INSERT, DELETE ON slack_events TO hrm_app;
