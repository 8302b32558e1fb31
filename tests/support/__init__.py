"""Test helpers: real databases, a real uvicorn, and people to act as."""
