"""The door-to-door service card (上门服务证) of a programme that declares one (catalogue
``ServiceCardPolicy``): the worker's records, eligibility, the card, its live status and its PDF."""
