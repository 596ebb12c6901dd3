# JupyterHub for a dpskit training on one machine (the image's default command, or any server with
# dpskit[hub] installed): every participant gets the participant mode of the pack, nothing is kept.
#
#   DPSKIT_HUB_PASSWORD=<workshop password, 8+ characters> jupyterhub -f deploy/jupyterhub/jupyterhub_config.py
#
# Settings come from the environment, so the same file serves the image, a plain server and the test:
#   DPSKIT_PACK              the participant pack (default /srv/dpskit/pack, where the image puts it)
#   DPSKIT_HUB_PASSWORD      the shared workshop password (required)
#   DPSKIT_HUB_MAX_USERS     how many servers may run at once (default 40; a server holds ~150-250 MB)
#   DPSKIT_HUB_IDLE_TIMEOUT  seconds without activity before a server and its user are removed (default 1800)
#   DPSKIT_HUB_BIND_URL      where participants connect (default http://127.0.0.1:8000, this machine only;
#                            for the room's network use https:// with the two below, or a TLS reverse proxy)
#   DPSKIT_HUB_SSL_CERT, DPSKIT_HUB_SSL_KEY   the hub's TLS certificate and key files
# Run it as a dedicated unprivileged user, never root: every participant's server runs as that user.
# Kubernetes (Zero to JupyterHub) and The Littlest JupyterHub use their own hub configuration:
# see README.md beside this file.

import atexit
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

PACK = os.environ.get("DPSKIT_PACK", "/srv/dpskit/pack")
if os.geteuid() == 0:
    sys.exit("Refusing to run as root: every participant's server would run as root. Start the hub as a dedicated "
             "unprivileged user (README.md beside this file: `useradd --system dpskit-hub`).")
if os.environ.get("DPSKIT_HUB_LAB", "") == "1":
    sys.exit("DPSKIT_HUB_LAB=1 is not offered with this one-account hub: JupyterLab runs code, and code run as the "
             "hub's account reads the other participants' sessions and the hub's secrets. Use z2jh-values.yaml "
             "(a pod per participant) for JupyterLab.")
IDLE = int(os.environ.get("DPSKIT_HUB_IDLE_TIMEOUT", "1800"))
# How often the hub learns of activity and the culler looks: often enough for the timeout to hold.
CHECK_EVERY = max(5, min(300, IDLE // 5))

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

c.JupyterHub.bind_url = os.environ.get("DPSKIT_HUB_BIND_URL", "http://127.0.0.1:8000")
if os.environ.get("DPSKIT_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["DPSKIT_HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ.get("DPSKIT_HUB_SSL_KEY", "")

# ---- login: one shared workshop password; participants choose any nickname -------------------
# Trade-off (README): nobody registers and nothing about a person is stored, but anyone with the
# password can log in under any name, so tell participants to pick a nickname that is not theirs.
c.JupyterHub.authenticator_class = "shared-password"
# Taken out of the environment, so the proxy and the culler the hub starts never hold it.
c.SharedPasswordAuthenticator.user_password = os.environ.pop("DPSKIT_HUB_PASSWORD", "")
if not c.SharedPasswordAuthenticator.user_password:
    sys.exit("Set DPSKIT_HUB_PASSWORD to the workshop password (8 characters or more).")
c.Authenticator.allow_all = True
c.Authenticator.username_pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$"  # a nickname; also a safe folder name

# ---- nothing kept by the hub: users, tokens and secrets live in memory and die with it --------
c.JupyterHub.db_url = "sqlite:///:memory:"
c.JupyterHub.cookie_secret = secrets.token_bytes(32)
c.ConfigurableHTTPProxy.auth_token = secrets.token_hex(32)
SCRATCH = Path(tempfile.mkdtemp(prefix="dpskit-hub-"))  # per-user temporary homes, the proxy's pid
atexit.register(shutil.rmtree, SCRATCH, True)
c.ConfigurableHTTPProxy.pid_file = str(SCRATCH / "proxy.pid")
c.JupyterHub.log_level = "WARN"  # successful requests unlogged (errors still name user and address)
c.ConfigurableHTTPProxy.log_level = "warn"

# ---- each participant: the participant mode of the pack, in a temporary home ------------------
# `dpskit participant --hub` is the same code as `dpskit participant`: Voilà with dpskit's
# template (no CDN, no code), the read-only pack, config and history in a folder deleted on stop;
# the server answers Voilà's pages and widget messages only (dpskit.hub), so nobody runs code in it.
c.JupyterHub.spawner_class = "simple"  # one Unix account for everyone: see README for isolation
c.Spawner.cmd = [sys.executable, "-m", "dpskit.cli", "participant", PACK, "--hub"]
c.Spawner.default_url = "/voila/tree"
c.SimpleLocalProcessSpawner.home_dir_template = str(SCRATCH / "{username}")
c.Spawner.environment = {
    "TMPDIR": lambda spawner: spawner.home_dir,  # the server's own temporary folder lives in the home
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(CHECK_EVERY),
}
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "VIRTUAL_ENV", "LANG", "LC_ALL"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60


def remove_home(spawner):
    """When a server stops (by the participant, the culler or the hub), its home goes with it."""
    shutil.rmtree(spawner.home_dir, ignore_errors=True)


c.Spawner.post_stop_hook = remove_home
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every server (and so removes every home)
c.JupyterHub.shutdown_on_logout = True  # logging out ends the session and removes its home

# ---- limits and idle culling --------------------------------------------------------------------
c.JupyterHub.active_server_limit = int(os.environ.get("DPSKIT_HUB_MAX_USERS", "40"))
c.JupyterHub.concurrent_spawn_limit = 10
c.JupyterHub.last_activity_interval = CHECK_EVERY
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE}",
                f"--cull-every={CHECK_EVERY}", "--cull-users=True", "--remove-named-servers=True"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers", "admin:users"],
    "services": ["idle-culler"],
}]
