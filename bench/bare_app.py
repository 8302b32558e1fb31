"""The baseline: the cheapest FastAPI endpoint, served by uvicorn like Padcom is."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}
