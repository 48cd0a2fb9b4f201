"""Loopback stand-ins for the outside world, served on 127.0.0.1: demo sources (synthetic
forums, later other families) and the webhook sink that receives alerts."""
