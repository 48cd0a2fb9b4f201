"""Alert delivery: the outbox deliverer and one sender per channel (Slack, webhook, Apprise)."""
