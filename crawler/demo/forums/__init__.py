"""The demo forums: synthetic threads rendered in each engine's real markup."""
