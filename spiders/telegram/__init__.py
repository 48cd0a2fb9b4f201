"""The Telegram family: public channel previews (t.me/s/<channel>), parsers, state and options."""
