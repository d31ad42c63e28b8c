import pytest

from newsrag.masking import mask_url


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("postgresql://news:s3cret@db:5432/news", "postgresql://news:***@db:5432/news"),
        ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
        (
            "host=db user=news password=s3cret dbname=news",
            "host=db user=news password=*** dbname=news",
        ),
        ("host=db password='two words' dbname=x", "host=db password=*** dbname=x"),
        ("postgresql://db/news?password=s3cret", "postgresql://db/news?password=***"),
        (
            "postgresql://postgres@/newsrag?host=/tmp/pg",
            "postgresql://postgres@/newsrag?host=/tmp/pg",
        ),
    ],
)
def test_passwords_never_show(given: str, shown: str) -> None:
    assert mask_url(given) == shown
