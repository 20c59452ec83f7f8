"""Pure builders of Block Kit: data in, slack_sdk block models out, no I/O."""
