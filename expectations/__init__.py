"""Great Expectations suites that every batch passes before it is loaded."""
