"""`emcoach demo`: a sample company's whole program, simulated against the Slack stand-in
through the same code as production."""
