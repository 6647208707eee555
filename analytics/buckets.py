"""Histogram buckets, and percentiles estimated from them.

Durations use fixed, roughly logarithmic edges (1 s to 60 days), so that a bucket
row can be summed across days and departments. Bucket ``i`` holds values in
``[DURATION_EDGES[i-1], DURATION_EDGES[i])``; the last bucket is open-ended.
Confidence (0-100) uses ten buckets of ten points; 100 falls in the last.
"""

from bisect import bisect_right
from collections.abc import Mapping

MINUTE, HOUR, DAY = 60, 3600, 86400
DURATION_EDGES: tuple[int, ...] = (
    1, 2, 5, 10, 30, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 30 * MINUTE,
    HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 5 * DAY,
    7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY,
)  # fmt: skip
DURATION_BUCKETS = len(DURATION_EDGES) + 1
CONFIDENCE_BUCKETS = 10


def duration_bucket(seconds: int) -> int:
    return bisect_right(DURATION_EDGES, seconds)


def duration_bucket_bounds(bucket: int) -> tuple[int, int | None]:
    """[lower, upper) of a duration bucket in seconds; upper None for the open last bucket."""
    lower = 0 if bucket == 0 else DURATION_EDGES[bucket - 1]
    upper = DURATION_EDGES[bucket] if bucket < len(DURATION_EDGES) else None
    return lower, upper


def confidence_bucket(confidence: int) -> int:
    return min(max(confidence, 0) // 10, CONFIDENCE_BUCKETS - 1)


def confidence_bucket_label(bucket: int) -> str:
    return f"{bucket * 10}-{bucket * 10 + 9}" if bucket < CONFIDENCE_BUCKETS - 1 else "90-100"


def histogram_percentile(counts: Mapping[int, int], q: float) -> float | None:
    """Estimate the q-quantile (0 < q < 1) in seconds from duration bucket counts.

    Finds the bucket holding the rank ``q * n`` and interpolates linearly inside it;
    the open last bucket answers its lower edge. None when the histogram is empty.
    """
    n = sum(counts.values())
    if n == 0:
        return None
    rank = q * n
    seen = 0
    for bucket in sorted(counts):
        count = counts[bucket]
        if count and seen + count >= rank:
            lower, upper = duration_bucket_bounds(bucket)
            if upper is None:
                return float(lower)
            return lower + (upper - lower) * (rank - seen) / count
        seen += count
    lower, _ = duration_bucket_bounds(max(counts))
    return float(lower)
