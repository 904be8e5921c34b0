"""Pages that belong to no feature: privacy statement and health check."""

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("pages", __name__)


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unavailable"
    healthy = database == "ok"
    return jsonify(status="ok" if healthy else "degraded", database=database), 200 if healthy else 503
