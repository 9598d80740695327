"""The REST API at /api/v1/: public read-only metadata, staff writes with tokens."""
