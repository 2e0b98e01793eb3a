"""The version of cibwatch (one place: ``pyproject.toml`` and ``cibwatch.__version__`` say the
same, a test checks it); a module of its own so that modules can read it without importing
the package face (:mod:`cibwatch`), which imports them."""

__version__ = "0.5.0"
