"""What stands in for the world, never imported by production code: a local Slack Web API and
Socket Mode (standin) and `emcoach demo`'s sample company, people and six simulated months
(demo). Tests and `emcoach demo` use them; the import contracts in pyproject.toml keep
production away from them."""
