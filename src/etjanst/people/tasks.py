import logging

from django_tasks import task

from .extract import build
from .models import DataExtract

logger = logging.getLogger(__name__)


@task()
def build_extract(*, extract_id: str) -> str:
    extract = DataExtract.objects.select_related("owner").filter(pk=extract_id).first()
    if extract is None or extract.state == DataExtract.State.READY:
        return "skipped"
    try:
        build(extract)
    except Exception:
        DataExtract.objects.filter(pk=extract_id).update(state=DataExtract.State.FAILED)
        logger.exception("Register extract %s failed", extract_id)
        raise
    return "ready"
