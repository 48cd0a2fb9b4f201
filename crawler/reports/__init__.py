"""What the faces (CLI and web UI) share to show stored findings: filters, exports, MISP."""
