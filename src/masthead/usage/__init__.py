"""Usage statistics (COUNTER Release 5.1)."""
