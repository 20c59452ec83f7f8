"""Coach: a Slack bot that helps sales managers coach their reps instead of judging them."""
