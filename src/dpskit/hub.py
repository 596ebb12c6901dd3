"""A Jupyter Server extension for `dpskit participant --hub` (Voilà): the participant's single-user
server answers what the standalone participant mode (`voila`) answers and nothing more.

jupyterhub-singleuser is a whole Jupyter Server: with the workshop password a participant can get an
API token from the hub and use the kernels, contents and sessions APIs to run code. This extension
404s every route but Voilà's pages and static files, the widget websocket to a kernel Voilà started,
and what JupyterHub itself needs (its health check, login and logout); lets through the websocket only
the message types standalone Voilà allows (widgets, no execute_request); and starts kernels without
the server's JupyterHub token in their environment."""

from __future__ import annotations

import os
import re

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from tornado.web import ErrorHandler

# What standalone Voilà's kernel manager allows over the websocket (voila/app.py): widgets only.
WIDGET_MESSAGES = ["comm_open", "comm_close", "comm_msg", "comm_info_request", "kernel_info_request", "shutdown_request"]

_KERNEL = r"\w+-\w+-\w+-\w+-\w+"
# Paths under the server's base URL (/user/<name>/) that stay reachable: standalone Voilà's routes,
# the server's root (a redirect to /voila/tree) and what the hub uses (api: its health check).
ALLOWED = re.compile("|".join([
    r"", r"api", r"logout", r"oauth_callback",
    r"voila", r"voila/tree(/.*)?", r"voila/render/.+", r"voila/static/.+", r"voila/templates/.+",
    r"voila/api/themes/.+", r"voila/labextensions/.+", r"voila/files/.+", rf"voila/api/shutdown/{_KERNEL}",
    r"voila/api/contents(/.*)?",  # the list of sessions (read-only, notebooks and folders only)
    rf"api/kernels/{_KERNEL}", rf"api/kernels/{_KERNEL}/channels",
]))
# Kernels get none of these: the server's own hub token and its hub addresses.
HUB_VARIABLES = ("JUPYTERHUB_", "JPY_API_TOKEN", "CONFIGPROXY_")


def kernel_environment(env: dict[str, str]) -> dict[str, str]:
    """The environment a participant's kernel starts with: the server's, less JupyterHub's token and addresses."""
    return {key: value for key, value in env.items() if not key.startswith(HUB_VARIABLES)}


class ParticipantKernelManager(ServerKernelManager):
    """A kernel that cannot read the server's JupyterHub API token from its environment."""

    async def _async_pre_start_kernel(self, **kwargs):
        kwargs["env"] = kernel_environment(kwargs.get("env") or dict(os.environ))
        return await super()._async_pre_start_kernel(**kwargs)


def allowed(path: str, base_url: str) -> bool:
    """Whether a request path is one of the participant mode's routes."""
    if not path.startswith(base_url):
        return False
    return ALLOWED.fullmatch(path[len(base_url):].rstrip("/")) is not None


def _load_jupyter_server_extension(serverapp) -> None:
    kernels = serverapp.kernel_manager
    kernels.allowed_message_types = WIDGET_MESSAGES
    kernels.kernel_manager_class = f"{__name__}.ParticipantKernelManager"
    web_app = serverapp.web_app
    base_url = web_app.settings["base_url"]
    find_handler = web_app.find_handler

    def participant_routes_only(request, **kwargs):
        if not allowed(request.path, base_url):
            return web_app.get_handler_delegate(request, ErrorHandler, {"status_code": 404})
        return find_handler(request, **kwargs)

    web_app.find_handler = participant_routes_only
    serverapp.log.info("dpskit participant mode: only Voilà's pages and widget messages are served")


def _jupyter_server_extension_points():
    return [{"module": __name__}]
