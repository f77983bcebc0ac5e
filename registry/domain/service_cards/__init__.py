"""The door-to-door service card (上门服务证) of a programme that declares one (catalogue
``ServiceCardPolicy``): the worker's records, eligibility, the card, its live status and its PDF."""


def _register() -> None:
    """Cards answer scans of their codes, join the revocation list, and gain types as certificates
    are issued (the certificate machinery calls back; it never names cards)."""
    from ..certificates import operations
    from . import cards, public  # noqa: F401  (public registers its scan reader on import)

    if cards.add_types_for not in operations.ISSUED_HOOKS:
        operations.ISSUED_HOOKS.append(cards.add_types_for)


_register()
