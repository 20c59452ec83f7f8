"""Plain-Python domain logic: no Slack, no SQL, no clock."""
