"""``torchdojo export kubernetes``: an Indexed Job whose completion index is the shard.

For courses past what one machine or GitHub Actions grades in a run: the cluster runs one pod
per shard (``grade-batch --shard``) and ``gradebook merge`` joins their outputs. Kubernetes
schedules, retries and reports; torchdojo adds no scheduler or queue of its own.

The manifest is the commented template in ``templates/kubernetes`` with its ``@NAME@`` fields
filled in; every value is checked first, so none can break out of its place in the YAML or in
the pod's shell command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from torchdojo.batch.shards import MAX_SHARDS
from torchdojo.ci.bundle import TEMPLATES
from torchdojo.course import Course, CourseError

TEMPLATE = TEMPLATES / "kubernetes" / "torchdojo-grade.yaml"
_IMAGE = re.compile(r"[a-z0-9][a-z0-9._/:@-]*", re.IGNORECASE)
_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # a DNS label, as Job names must be
_CLAIM = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")  # a DNS subdomain
GIB_PER_WORKER = 2  # a worker and its sandboxes (README: about 0.9 GiB PSS for a full grade)


@dataclass(frozen=True)
class JobSpec:
    image: str
    shards: int
    seed: int
    parallelism: int | None = None  # pods at once (default: every shard)
    workers: int = 4  # learners graded at once in each pod (its CPU request)
    claim: str = "torchdojo-data"
    name: str = "torchdojo-grade"
    topics: tuple[str, ...] = ()


def manifest(course: Course, spec: JobSpec) -> str:
    """The Job manifest for ``spec``; CourseError names the first value that cannot be used."""
    topics = [t.name for t in course.select(spec.topics)] if spec.topics else []
    _need(_IMAGE.fullmatch(spec.image), f"{spec.image!r} is not a container image reference")
    _need(_NAME.fullmatch(spec.name), f"{spec.name!r} is not a Job name (lowercase letters, "
                                      "digits and '-', at most 63)")
    _need(_CLAIM.fullmatch(spec.claim), f"{spec.claim!r} is not a volume claim name")
    _need(1 <= spec.shards <= MAX_SHARDS, f"--shards must be 1 to {MAX_SHARDS}")
    parallelism = spec.parallelism or spec.shards
    _need(1 <= parallelism <= spec.shards, "--parallelism must be 1 to the number of shards")
    _need(1 <= spec.workers <= 512, "--workers must be 1 to 512")
    _need(0 <= spec.seed < 2**31, "--seed must be 0 to 2147483647")
    fields = {"IMAGE": spec.image, "NAME": spec.name, "CLAIM": spec.claim,
              "SHARDS": str(spec.shards), "PARALLELISM": str(parallelism),
              "WORKERS": str(spec.workers), "SEED": str(spec.seed),
              "MEMORY": f"{spec.workers * GIB_PER_WORKER + 2}Gi",
              "TOPICS": "".join(f"{t} " for t in topics)}
    text = TEMPLATE.read_text()
    for key, value in fields.items():
        text = text.replace(f"@{key}@", value)
    return text


def _need(condition: object, message: str) -> None:
    if not condition:
        raise CourseError(message)
