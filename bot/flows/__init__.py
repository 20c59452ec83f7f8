"""Use cases: each owns its transaction and calls storage, domain code and Slack."""
