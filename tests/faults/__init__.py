"""Fault tests with real processes (a Celery worker with its beat, on Redis and PostgreSQL):
each injects one fault, asserts that nothing is lost and records how long recovery took.
Skipped unless DATABASE_URL (PostgreSQL) and REDIS_URL are set; bench/faults.py drives the
same faults against gunicorn."""
