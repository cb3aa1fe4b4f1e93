from .certificates import Certificate, CertificateNotice
from .inspections import Inspection
from .revocations import Revocation

__all__ = ["Certificate", "CertificateNotice", "Inspection", "Revocation"]
