"""Test-only overrides on top of the documented ``docs/jupyterhub/jupyterhub_config.py``.

Loaded by ``tests/test_jupyterhub.py`` as ``jupyterhub -f tests/jupyterhub_test_config.py``;
the values come from ``WKHUB_*`` variables the test sets. Only what a test needs differs
from the documented file: loopback ports, a state folder, the proxy from
``make hub-proxy``, an API token for the test, the known test users, and CBS/PDOK on a
dead port (a hub without internet).
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub provides get_config in a config file
load_subconfig(  # noqa: F821 - JupyterHub provides load_subconfig in a config file
    str(Path(__file__).resolve().parents[1] / "docs" / "jupyterhub" / "jupyterhub_config.py")
)

state = Path(os.environ["WKHUB_STATE"])
c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ['WKHUB_PORT']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ['WKHUB_HUB_PORT']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['WKHUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["WKHUB_CHP"]]
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

# The users the test made (the documented file lets in the whole group).
c.Authenticator.allowed_users = set(os.environ["WKHUB_USERS"].split(","))
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
offline = f"http://127.0.0.1:{os.environ['WKHUB_DEAD_PORT']}"
c.Spawner.environment.update({
    "WIJKLIB_CBS_URL": offline,
    "WIJKLIB_PDOK_URL": offline,
    "WIJKLIB_POLITIE_URL": offline,
    "WIJKLIB_RETRIES": "1",
    "WIJKLIB_TIMEOUT": "5",
})

c.JupyterHub.services.append({"name": "wijklib-test", "api_token": os.environ["WKHUB_TOKEN"]})
c.JupyterHub.load_roles.append({
    "name": "wijklib-test",
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
    "services": ["wijklib-test"],
})
