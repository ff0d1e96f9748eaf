"""The web studio (``storyscore serve``): FastAPI app, SQLite catalogue, worker processes.

Needs the ``web`` extra (FastAPI, uvicorn, python-multipart); nothing else imports it.
"""
