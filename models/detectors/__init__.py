"""The detectors: each a plain function ``detect_x(graph, policy) -> list[Case]``; which case
type each finds is in ``models.case_types``."""

from models.detectors.a_class_partial import detect_a_class_partial
from models.detectors.deceased_paid import detect_deceased_paid
from models.detectors.duplicate_enrollment import detect_duplicate_enrollment
from models.detectors.exit_without_gradual import detect_exit_without_gradual
from models.detectors.missed_disability import detect_missed_disability
from models.detectors.over_standard import detect_over_standard
from models.detectors.payment_mismatch import detect_payment_mismatch
from models.detectors.roster_gap import detect_roster_gap
from models.detectors.single_covered_member import detect_single_covered_member
from models.detectors.split_household import detect_split_household
from models.detectors.suspected_split import detect_suspected_split
from models.detectors.tekun_eligible import detect_tekun_eligible
from models.detectors.unenrolled_key_person import detect_unenrolled_key_person

__all__ = [
    "detect_a_class_partial",
    "detect_deceased_paid",
    "detect_duplicate_enrollment",
    "detect_exit_without_gradual",
    "detect_missed_disability",
    "detect_over_standard",
    "detect_payment_mismatch",
    "detect_roster_gap",
    "detect_single_covered_member",
    "detect_split_household",
    "detect_suspected_split",
    "detect_tekun_eligible",
    "detect_unenrolled_key_person",
]
