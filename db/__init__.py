"""Storage: typed SQLAlchemy 2.0 models, engine set-up, named queries and Alembic migrations."""
