from tests.worker import celery_worker, celery_worker_factory  # noqa: F401
