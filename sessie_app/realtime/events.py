"""Every @socketio.on handler."""
