"""The demo Telegram channel previews."""
