"""Runs the timer sweep on APScheduler. The database is the source of truth for timers."""
