"""The demo ransomware leak site."""
