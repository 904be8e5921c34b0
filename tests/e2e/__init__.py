"""Browser tests (a package, so its module names cannot clash with tests/registration and friends)."""
