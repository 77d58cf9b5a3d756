"""The WSGI entry point: gunicorn serves ``wsgi:app``; ``flask --app wsgi`` runs the commands."""

from dotenv import load_dotenv

load_dotenv()

from market import create_app  # noqa: E402

app = create_app()
