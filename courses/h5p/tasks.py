from celery import shared_task


@shared_task(name="h5p.package_extract")
def h5p_package_extract_task(package_id: int) -> str:
    """Extracts a validated package into the private store (queued after commit)."""
    from .services import h5p_package_extract

    return h5p_package_extract(package_id=package_id).status
