"""Delivery: generated files reach the user's tree atomically, inside the target, without losing their edits."""

from specloom.delivery.deliver import (
    DeliveryError,
    DeliveryPlan,
    DeliveryReport,
    FileAction,
    Kind,
    Recovery,
    deliver,
    deliver_through,
    plan_delivery,
    recover,
)
from specloom.delivery.manifest import FileRecord, Manifest, ManifestError, SpecInfo, load_manifest
from specloom.delivery.merge import Conflict, MergeResult, merge3
from specloom.delivery.paths import UnsafePath, resolve_inside, safe_relative

__all__ = [
    "Conflict",
    "DeliveryError",
    "DeliveryPlan",
    "DeliveryReport",
    "FileAction",
    "FileRecord",
    "Kind",
    "Manifest",
    "ManifestError",
    "MergeResult",
    "Recovery",
    "SpecInfo",
    "UnsafePath",
    "deliver",
    "deliver_through",
    "load_manifest",
    "merge3",
    "plan_delivery",
    "recover",
    "resolve_inside",
    "safe_relative",
]
