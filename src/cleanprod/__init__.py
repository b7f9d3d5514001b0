"""cleanprod: Cleaner Production assessments for SMEs and the CP centres that serve them."""

__version__ = "0.1.0"
