"""JupyterHub for the workbook on one Linux server: every participant is a system user.

Explained in Dutch in ``docs/jupyterhub.md``. In short:

* the admin makes the system users (a shared group ``wkgroep``, home folders ``0700``)
  and the shared folder (``/srv/wijkprofiel``, or ``WIJKPROFIEL_GEDEELD`` in the hub's
  environment) with ``cache/`` (only the admin writes) and ``groep/`` (everyone hands in);
* the admin fills the cache once: ``WIJKLIB_CACHE=/srv/wijkprofiel/cache python -m
  wijklib download --gemeente Utrecht``;
* every participant's server gets the ``WIJKLIB_*`` variables below: their own cache
  followed by the shared one (read, never written), the group folder, and their own data
  folder (their exports) in their own home folder.

Start the hub as root (it starts each server as that user)::

    jupyterhub -f docs/jupyterhub/jupyterhub_config.py

``tests/test_jupyterhub.py`` runs this very file (with test-only ports and a test token).
"""

import importlib.util
import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub provides get_config in a config file

#: The shared folder of the group: the prefilled cache and the group folder.
SHARED = Path(os.environ.get("WIJKPROFIEL_GEDEELD", "/srv/wijkprofiel"))
#: The system group of everyone taking part (trainer and participants).
GROUP = os.environ.get("WIJKPROFIEL_GROEP", "wkgroep")
#: The trainer or admin: fills the cache and runs the group mode.
ADMINS = {os.environ.get("WIJKPROFIEL_BEHEERDER", "wkbeheer")}


def data_folder(spawner) -> str:
    """The participant's own folder (survey files, exports), in their own home folder."""
    return str(Path(pwd.getpwnam(spawner.user.name).pw_dir) / "wijkprofiel")


def cache_folders(spawner) -> str:
    """The participant's own cache first (written), then the shared one (only read)."""
    return os.pathsep.join([str(Path(data_folder(spawner)) / "cache"), str(SHARED / "cache")])


# Every participant is a system user; the server runs with that user's rights, so one
# participant cannot read another's files (home folders 0700).
c.JupyterHub.spawner_class = "localprocess"
# Log in with the system password (PAM), only members of the group.
c.JupyterHub.authenticator_class = "pam"
c.LocalAuthenticator.allowed_groups = {GROUP}
c.Authenticator.admin_users = ADMINS

c.Spawner.environment = {
    "WIJKLIB_CACHE": cache_folders,  # own cache, then the shared one (read-only)
    "WIJKLIB_GROEP": str(SHARED / "groep"),  # the agendas handed in
    "WIJKLIB_DATA": data_folder,  # own files; exports in its export/ folder
}
c.Spawner.default_url = "/lab"
# The single-user server of the same Python as the hub (found without relying on PATH).
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]

# Stop servers that nobody used for an hour (frees memory for a group of a hundred), with
# the idle culler when it is installed (pip install jupyterhub-idle-culler).
c.JupyterHub.services = []
c.JupyterHub.load_roles = []
if importlib.util.find_spec("jupyterhub_idle_culler") is not None:
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    })
    c.JupyterHub.load_roles.append({
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    })
