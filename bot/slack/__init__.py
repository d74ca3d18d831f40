"""What emcoach asks Slack for on a flow's behalf (zones, user groups) and reads from payloads."""
