from .organisations import Membership, Organisation
from .tokens import ApiToken
from .users import User

__all__ = ["ApiToken", "Membership", "Organisation", "User"]
