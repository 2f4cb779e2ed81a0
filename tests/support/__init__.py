"""What the project's tests share and are not tests: servers, report readers, the compatibility page, the kit's source.

Imported as ``support.NAME`` (``tests/`` is on ``sys.path`` through its
conftest); the pytest plugins among them (``servers``, ``quick_loop``) are
loaded by ``tests/conftest.py``.
"""
