"""Alert delivery: the outbox deliverer and one sender per channel type (Slack, webhook, Apprise)."""
