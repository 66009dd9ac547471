/*
 * A light front end for the course's Voila apps.
 *
 * Voila 0.5's own front end boots a whole JupyterLab application (about 60
 * script chunks and a plugin system) before it opens the kernel connection.
 * Our apps only need three things, so this file does just those:
 *   1. connect to the kernel Voila started (or took from its preheated pool),
 *   2. render the cell outputs Voila wrote into the page,
 *   3. run the ipywidgets manager over that connection.
 * The server side is still Voila's: it executes the notebook, preheats and
 * culls kernels, and refuses code execution from the browser.
 */
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { HTMLManager } from '@jupyter-widgets/html-manager/lib/htmlmanager';
import { shims } from '@jupyter-widgets/base';
import { OutputAreaModel, SimplifiedOutputArea } from '@jupyterlab/outputarea';
import { Widget } from '@lumino/widgets';

import '@lumino/widgets/style/widget.css';
import '@jupyterlab/rendermime/style/base.css';
import '@jupyterlab/outputarea/style/base.css';
import '@jupyter-widgets/base/css/index.css';
import '@jupyter-widgets/controls/css/widgets-base.css';
// Icons on buttons (ipywidgets' `icon`, drawn with Font Awesome's solid style);
// the font loads only when an icon is shown.
import '@fortawesome/fontawesome-free/css/fontawesome.min.css';
import '@fortawesome/fontawesome-free/css/solid.min.css';

/** The messages in the page's målform (?sprak=nn): the template sets them before this bundle loads
 *  (window.kursTekst, from widgets/egenvurdering/sprakvalg.py MAL_TEKSTER). */
const TEXT = window.kursTekst;

/** The kernel connection must be up within this time, or the employee is told. */
const START_TIMEOUT_MS = 30000;

/** The ipywidgets manager of html-manager, wired to a live kernel. */
class KernelWidgetManager extends HTMLManager {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.registerCommTarget(this.comm_target_name, async (comm, msg) => {
      await this.handle_comm_open(new shims.services.Comm(comm), msg);
    });
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) {
      comm.open(data, metadata, buffers);
    }
    return new shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    if (reply.content.status !== 'ok') {
      throw new Error('comm_info_request failed');
    }
    return reply.content.comms;
  }
}

/**
 * A WebSocket constructor for @jupyterlab/services that adopts the socket the
 * page opened early (see the template), if it is for this kernel and still
 * usable.
 */
function adoptingWebSocket(early) {
  function KursWebSocket(url, protocols) {
    const usable = early && !early.adopted && early.ws.readyState <= WebSocket.OPEN &&
      url.includes(`session_id=${encodeURIComponent(early.session)}`);
    if (!usable) {
      return new WebSocket(url, protocols);
    }
    early.adopted = true;
    const ws = early.ws;
    let onopen = null;
    let onmessage = null;
    // Until the socket is reported open, nothing on it is for this connection: it is
    // the page's readiness probe or the server's own check of the kernel. Passing such
    // messages on would make the connection think it had already talked to the kernel.
    let forwarding = false;
    ws.addEventListener('message', (event) => {
      if (forwarding && onmessage) {
        onmessage.call(ws, event);
      }
    });
    Object.defineProperty(ws, 'onmessage', {
      configurable: true,
      get: () => onmessage,
      set: (handler) => {
        onmessage = handler;
      },
    });
    Object.defineProperty(ws, 'onopen', {
      configurable: true,
      get: () => onopen,
      set: (handler) => {
        onopen = handler;
      },
    });
    // Report the socket as open once Jupyter Server forwards replies (see the template).
    const opened = () =>
      setTimeout(() => {
        forwarding = true;
        if (onopen) {
          onopen.call(ws, new Event('open'));
        }
      }, 0);
    if (early.ready) {
      opened();
    } else {
      early.onready = opened;
    }
    return ws;
  }
  Object.assign(KursWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  return KursWebSocket;
}

function showMessage(text) {
  let box = document.getElementById('kurs-status');
  if (!box) {
    box = document.createElement('div');
    box.id = 'kurs-status';
    box.className = 'kurs-feedback kurs-feil';
    box.setAttribute('role', 'alert');
    const cells = document.getElementById('rendered_cells') || document.body;
    cells.prepend(box);
  }
  box.textContent = text;
}

function reveal() {
  const spinner = document.getElementById('loading');
  if (spinner) {
    spinner.remove();
  }
  const cells = document.getElementById('rendered_cells');
  if (cells) {
    cells.style.display = '';
  }
}

/** Render every output Voila serialised into the page, in place. */
function renderOutputs(manager) {
  const scripts = document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]');
  for (const script of scripts) {
    const model = new OutputAreaModel({ trusted: true });
    const area = new SimplifiedOutputArea({ model, rendermime: manager.renderMime });
    model.add(JSON.parse(script.textContent));
    const host = document.createElement('div');
    script.replaceWith(host);
    Widget.attach(area, host);
  }
}

/**
 * A promise that rejects when the page's early connection has failed, or after
 * `ms`; `cancel()` stops the clock once the app has started.
 */
function startGuard(early, ms) {
  let timer = null;
  const promise = new Promise((_resolve, reject) => {
    if (early) {
      early.onfail = () => reject(new Error('The kernel connection could not be opened.'));
      if (early.failed) {
        early.onfail();
      }
    }
    timer = setTimeout(() => reject(new Error(`No kernel connection after ${ms} ms.`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

let kernel = null;

async function main() {
  performance.mark('kurs-main');
  const early = window.kursEarlySocket;
  const guard = startGuard(early, START_TIMEOUT_MS);
  const configNode = document.getElementById('jupyter-config-data');
  const config = JSON.parse(configNode.textContent);
  const baseUrl = new URL(config.baseUrl || '/', window.location.href).href;
  const serverSettings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    appendToken: false,
    WebSocket: adoptingWebSocket(early),
  });
  kernel = new KernelConnection({
    model: { id: config.kernelId, name: 'python3' },
    serverSettings,
    handleComms: true,
    clientId: early ? early.session : undefined,
  });
  kernel.connectionStatusChanged.connect((_, status) => {
    if (status === 'disconnected') {
      showMessage(TEXT.brutt);
    }
  });
  // A kernel that died or was restarted no longer holds the app: the page must be reloaded.
  kernel.statusChanged.connect((_, status) => {
    if (status === 'dead' || status === 'autorestarting' || status === 'restarting') {
      showMessage(TEXT.brutt);
    }
  });
  const manager = new KernelWidgetManager(kernel);
  // The widget states must be loaded from the kernel before views are made.
  performance.mark('kurs-connecting');
  await Promise.race([manager._loadFromKernel(), guard.promise]);
  guard.cancel();
  performance.mark('kurs-states');
  renderOutputs(manager);
  performance.mark('kurs-rendered');
  reveal();
  document.body.dataset.kursReady = 'true';
}

main().catch((error) => {
  console.error(error);
  if (kernel !== null) {
    kernel.dispose(); // stop reconnecting: the message below tells the employee what to do
  }
  reveal();
  showMessage(TEXT.feilet);
});
