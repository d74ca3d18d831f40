"""The cadence engine: plans committed programs into agenda rows and sends what is due."""
