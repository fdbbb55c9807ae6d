"""Prefect flows and the command line. Business logic lives in sources/, transforms/ and warehouse/."""
