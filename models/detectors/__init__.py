"""The detectors: each a plain function ``detect_x(graph, policy) -> list[Case]``."""

from models.detectors.deceased_paid import detect_deceased_paid
from models.detectors.duplicate_enrollment import detect_duplicate_enrollment
from models.detectors.missed_disability import detect_missed_disability
from models.detectors.over_standard import detect_over_standard
from models.detectors.roster_gap import detect_roster_gap
from models.detectors.single_covered_member import detect_single_covered_member
from models.detectors.split_household import detect_split_household
from models.detectors.suspected_split import detect_suspected_split
from models.detectors.unenrolled_key_person import detect_unenrolled_key_person

DETECTORS = {
    "deceased_paid": detect_deceased_paid,
    "duplicate_enrollment": detect_duplicate_enrollment,
    "split_household": detect_split_household,
    "suspected_split": detect_suspected_split,
    "missed_disability": detect_missed_disability,
    "single_covered_member": detect_single_covered_member,
    "unenrolled_key_person": detect_unenrolled_key_person,
    "over_standard": detect_over_standard,
    "roster_gap": detect_roster_gap,
}

__all__ = ["DETECTORS"]
