"""Use cases: plain values in, one unit of work, domain rules, an outcome out. A flow never
sees a Bolt object and never holds a transaction open across a Slack call."""
