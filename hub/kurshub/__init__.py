"""The course's JupyterHub: settings, spawner, login, services and `make hub`."""
