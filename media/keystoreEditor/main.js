// The keystore editor's webview: renders the plain model the extension sends (src/core/editorModel.ts)
// with the DOM alone. Every string from the keystore is untrusted (aliases and DNs are chosen by whoever
// made the file), so text goes in through textContent only, never innerHTML. The table is virtualised:
// only the rows in view exist, so a 500-entry store filters and scrolls without work per entry in the DOM.
// @ts-check
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));

  const ROW_HEIGHT = 24;
  const OVERSCAN = 4;
  const COLUMNS = [
    { key: 'alias', label: 'Alias' },
    { key: 'kind', label: 'Kind' },
    { key: 'subjectCn', label: 'Subject CN' },
    { key: 'issuerCn', label: 'Issuer CN' },
    { key: 'notAfter', label: 'Expires' },
    { key: 'key', label: 'Key' },
    { key: 'signatureAlgorithm', label: 'Signature' },
    { key: 'sha256', label: 'SHA-256' },
  ];
  const ACTIONS = [
    { id: 'importCertificate', label: 'Import Certificate…', icon: 'add', needs: 'store' },
    { id: 'importCaReply', label: 'Import CA Reply…', icon: 'mail-read', needs: 'key pair' },
    { id: 'generateCsr', label: 'CSR…', icon: 'file-code', needs: 'key pair' },
    { id: 'renewCertificate', label: 'Renew…', icon: 'refresh', needs: 'key pair' },
    { id: 'exportCertificate', label: 'Export…', icon: 'export', needs: 'certificate' },
    { id: 'renameAlias', label: 'Rename…', icon: 'edit', needs: 'entry' },
    { id: 'deleteEntry', label: 'Delete…', icon: 'trash', needs: 'entry' },
    { id: 'changePassword', label: 'Change Password…', icon: 'key', needs: 'store' },
    { id: 'convertKeystore', label: 'Convert…', icon: 'arrow-swap', needs: 'store' },
  ];

  /** What VS Code keeps while the tab is hidden (the page itself is dropped): filter, sort, selection. */
  const saved = vscode.getState() || {};

  /** View state that survives a reload of the model (the file changed on disk) and a hidden tab. */
  const view = {
    /** @type {any} */ model: null,
    canWrite: false,
    filter: typeof saved.filter === 'string' ? saved.filter : '',
    /** @type {string | null} */ sortKey: typeof saved.sortKey === 'string' ? saved.sortKey : null,
    sortDir: saved.sortDir === -1 ? -1 : 1,
    /** @type {string | null} */ selectedAlias: typeof saved.selectedAlias === 'string' ? saved.selectedAlias : null,
    /** @type {number[]} positions into model.entries, in display order */ shown: [],
    /** @type {string[]} */ haystacks: [],
    /** @type {any} */ details: null,
    firstRenderPending: true,
  };

  /** @type {{ grid: HTMLElement, viewport: HTMLElement, spacer: HTMLElement, rows: HTMLElement[], count: HTMLElement, detailsPane: HTMLElement, actions: Map<string, HTMLButtonElement>, headers: HTMLElement[], filter: HTMLInputElement } | null} */
  let ui = null;

  /**
   * @param {string} tag
   * @param {{ cls?: string, text?: string, attrs?: Record<string, string> }} [o]
   * @param {(Node | null)[]} [children]
   */
  function el(tag, o = {}, children = []) {
    const e = document.createElement(tag);
    if (o.cls) e.className = o.cls;
    if (o.text !== undefined) e.textContent = o.text;
    if (o.attrs) for (const [k, v] of Object.entries(o.attrs)) e.setAttribute(k, v);
    for (const c of children) if (c) e.appendChild(c);
    return e;
  }

  /**
   * A codicon (VS Code's icon font, shipped with the extension): decoration only, hidden from screen readers,
   * so the text or aria-label beside it says what it means.
   * @param {string} name
   */
  function icon(name) {
    return el('span', { cls: `codicon codicon-${name}`, attrs: { 'aria-hidden': 'true' } });
  }

  /** The codicon of each entry kind, as VS Code's own views draw keys, trust and locks. */
  const KIND_ICONS = { 'key pair': 'key', 'trusted certificate': 'workspace-trusted', 'secret key': 'lock' };

  /** The codicon of each problem severity, as the Problems panel draws them. */
  const SEVERITY_ICONS = { error: 'error', warning: 'warning', information: 'info', hint: 'light-bulb' };

  /** @param {string} label @param {() => void} onClick @param {string} [aria] */
  function button(label, onClick, aria) {
    const b = /** @type {HTMLButtonElement} */ (el('button', { text: label, attrs: { type: 'button' } }));
    if (aria) b.setAttribute('aria-label', aria);
    b.addEventListener('click', onClick);
    return b;
  }

  /** @param {string} text @param {string} what */
  function copyButton(text, what) {
    const b = button('Copy', () => vscode.postMessage({ type: 'copy', text }), `Copy ${what}`);
    b.classList.add('small');
    return b;
  }

  /** @param {string | null} iso */
  function day(iso) {
    return iso ? iso.slice(0, 10) : '';
  }

  function clear() {
    while (app.firstChild) app.removeChild(app.firstChild);
    ui = null;
  }

  // ----- states other than the table -----

  /** @param {string} text */
  function showStatus(text) {
    clear();
    app.appendChild(el('p', { cls: 'status', text }));
  }

  /** @param {{ fileName: string, message: string }} m */
  function showError(m) {
    clear();
    app.appendChild(el('h1', { text: m.fileName }));
    app.appendChild(el('p', { cls: 'error', text: m.message, attrs: { role: 'alert' } }));
  }

  /** @param {{ fileName: string, format: string | null, message: string, usedBy: any[] }} m */
  function showPassword(m) {
    clear();
    const input = /** @type {HTMLInputElement} */ (el('input', { attrs: { type: 'password', id: 'password', autocomplete: 'off', spellcheck: 'false' } }));
    const form = el('form', { cls: 'password', attrs: { 'aria-label': 'Keystore password' } }, [
      el('label', { text: 'Store password', attrs: { for: 'password' } }),
      input,
      el('button', { text: 'Open', attrs: { type: 'submit' } }),
    ]);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const password = input.value;
      // The typed value leaves the page at once: the extension keeps it, the DOM does not.
      input.value = '';
      if (password !== '') {
        showStatus(`Opening ${m.fileName}…`);
        vscode.postMessage({ type: 'password', password });
      }
    });
    app.appendChild(el('h1', { text: m.fileName }));
    app.appendChild(el('p', { cls: 'summary', text: `${m.format ?? 'Keystore'} · password needed` }));
    app.appendChild(el('p', { cls: 'prompt', text: m.message, attrs: { role: 'status', id: 'prompt-message' } }));
    input.setAttribute('aria-describedby', 'prompt-message');
    app.appendChild(form);
    if (m.usedBy && m.usedBy.length) app.appendChild(usedBySection(m.usedBy));
    input.focus();
  }

  // ----- the store -----

  let usedByOpen = saved.usedByOpen !== false;

  function saveState() {
    vscode.setState({ filter: view.filter, sortKey: view.sortKey, sortDir: view.sortDir, selectedAlias: view.selectedAlias, usedByOpen });
  }

  /** @param {any[]} usedBy */
  function usedBySection(usedBy) {
    const list = el('ul', { cls: 'usedby-list' });
    usedBy.forEach((u, i) => {
      const file = u.file.split(/[\\/]/).pop();
      const link = button(`${file} ${u.source}`, () => vscode.postMessage({ type: 'open', usage: i }), `Go to ${file} line ${u.range.start.line + 1}: ${u.source}, ${u.role}`);
      link.classList.add('link');
      const item = el('li', {}, [link, el('span', { cls: 'role', text: ` ${u.role}${u.via ? ` · from ${u.via}` : ''} · line ${u.range.start.line + 1}` })]);
      if (u.problems.length) {
        const problems = el('ul', { cls: 'problems' });
        for (const p of u.problems) {
          const mark = icon(SEVERITY_ICONS[/** @type {keyof typeof SEVERITY_ICONS} */ (p.severity)] ?? 'info');
          problems.appendChild(el('li', { cls: `problem ${p.severity}` }, [mark, el('span', { cls: 'visually-hidden', text: `${p.severity}: ` }), el('span', { text: ` ${p.message}` })]));
        }
        item.appendChild(problems);
      }
      list.appendChild(item);
    });
    const problemCount = usedBy.reduce((n, u) => n + u.problems.length, 0);
    const title = `Used by (${usedBy.length} ${usedBy.length === 1 ? 'line' : 'lines'}${problemCount ? `, ${problemCount} ${problemCount === 1 ? 'problem' : 'problems'}` : ''})`;
    const section = el('details', { cls: 'usedby', attrs: { 'aria-label': 'Used by' } }, [el('summary', { text: title }), usedBy.length ? list : el('p', { cls: 'muted', text: 'No deployment.toml table, pom.xml or Dockerfile line points at this file.' })]);
    // Open unless the person closed it: the choice survives a reload of the model.
    /** @type {HTMLDetailsElement} */ (section).open = usedByOpen;
    section.addEventListener('toggle', () => {
      usedByOpen = /** @type {HTMLDetailsElement} */ (section).open;
      saveState();
    });
    return section;
  }

  /** @param {any} s */
  function summaryLine(s) {
    const counts = [`${s.keyPairs} key pair${s.keyPairs === 1 ? '' : 's'}`, `${s.trustedCertificates} trusted certificate${s.trustedCertificates === 1 ? '' : 's'}`];
    if (s.secretKeys) counts.push(`${s.secretKeys} secret key${s.secretKeys === 1 ? '' : 's'}`);
    const integrity = s.integrity === 'verified' ? 'integrity verified' : 'no integrity check (no MAC)';
    const line = el('p', { cls: 'summary' }, [el('span', { text: `${s.format} · ${integrity} · ${counts.join(', ')}` })]);
    if (s.nearestExpiry) {
      line.appendChild(el('span', { text: ' · nearest expiry ' }));
      line.appendChild(el('span', { cls: `expiry ${s.nearestExpiry.expiry}`, text: `${day(s.nearestExpiry.notAfter)} (${s.nearestExpiry.alias})` }));
    }
    return line;
  }

  /** @param {any} row */
  function cellValues(row) {
    return [row.alias, row.kind, row.subjectCn, row.issuerCn, day(row.notAfter), row.keySize ? `${row.keyAlgorithm} ${row.keySize}` : row.keyAlgorithm, row.signatureAlgorithm, row.sha256];
  }

  /** @param {any} row @param {string} key */
  function sortValue(row, key) {
    if (key === 'key') return `${row.keyAlgorithm} ${String(row.keySize ?? 0).padStart(6, '0')}`;
    const v = row[key];
    return v === null || v === undefined ? '' : String(v).toLowerCase();
  }

  function buildTable() {
    const m = view.model;
    clear();
    app.appendChild(el('h1', { text: m.fileName }));
    app.appendChild(summaryLine(m.summary));
    app.appendChild(usedBySection(m.usedBy));

    const filter = /** @type {HTMLInputElement} */ (el('input', { cls: 'filter', attrs: { type: 'search', placeholder: 'Filter by alias, name, algorithm or fingerprint', 'aria-label': 'Filter entries', 'aria-controls': 'entries' } }));
    filter.value = view.filter;
    filter.addEventListener('input', () => {
      const t0 = performance.now();
      view.filter = filter.value;
      applyView();
      renderRows();
      // Reading a layout property makes the measurement include style and layout, not just the script.
      void (/** @type {HTMLElement} */ (ui?.spacer).offsetHeight);
      const ms = performance.now() - t0;
      document.body.dataset.filterMs = ms.toFixed(3);
      vscode.postMessage({ type: 'filtered', ms, shown: view.shown.length, total: m.entries.length });
    });
    filter.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowDown') {
        ev.preventDefault();
        ui?.grid.focus();
        if (view.selectedAlias === null) moveSelection(0, true);
      }
    });
    const count = el('span', { cls: 'count', attrs: { role: 'status' } });
    const toolbar = el('div', { cls: 'toolbar' }, [filter, count]);
    app.appendChild(toolbar);

    /** @type {Map<string, HTMLButtonElement>} */
    const actions = new Map();
    if (view.canWrite) {
      const bar = el('div', { cls: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Keystore actions' } });
      for (const a of ACTIONS) {
        const b = button(a.label, () => runAction(a.id));
        b.prepend(icon(a.icon));
        actions.set(a.id, b);
        bar.appendChild(b);
      }
      app.appendChild(bar);
    } else {
      app.appendChild(el('p', { cls: 'muted', text: 'Restricted Mode: the store is listed, not changed. Trust the workspace to import, export or edit entries.' }));
    }

    const headers = COLUMNS.map((c) => {
      const h = el('div', { cls: `th col-${c.key}`, attrs: { role: 'columnheader', 'aria-sort': 'none' } });
      const b = button(c.label, () => sortBy(c.key), `Sort by ${c.label}`);
      h.appendChild(b);
      return h;
    });
    const head = el('div', { cls: 'row head', attrs: { role: 'row', 'aria-rowindex': '1' } }, headers);
    const spacer = el('div', { cls: 'spacer', attrs: { role: 'rowgroup' } });
    // The header scrolls sideways with the rows and stays on top (sticky) when they scroll down.
    const viewport = el('div', { cls: 'viewport', attrs: { role: 'presentation' } }, [el('div', { cls: 'head-group', attrs: { role: 'rowgroup' } }, [head]), spacer]);
    const grid = el('div', { cls: 'grid', attrs: { role: 'grid', tabindex: '0', id: 'entries', 'aria-label': `Entries of ${m.fileName}`, 'aria-rowcount': String(m.entries.length + 1), 'aria-colcount': String(COLUMNS.length) } }, [viewport]);
    const detailsPane = el('aside', { cls: 'details', attrs: { 'aria-label': 'Entry details', tabindex: '-1' } }, [el('p', { cls: 'muted', text: 'Select an entry to see its certificates.' })]);
    app.appendChild(el('div', { cls: 'split' }, [grid, detailsPane]));

    viewport.addEventListener('scroll', () => renderRows());
    grid.addEventListener('keydown', onGridKey);
    spacer.addEventListener('click', (ev) => {
      const rowEl = /** @type {HTMLElement | null} */ (ev.target instanceof Element ? ev.target.closest('.row') : null);
      if (!rowEl || rowEl.dataset.pos === undefined) return;
      select(Number(rowEl.dataset.pos));
      grid.focus();
    });
    window.addEventListener('resize', () => renderRows());

    ui = { grid, viewport, spacer, rows: [], count, detailsPane, actions, headers, filter };
  }

  /** Recomputes the filtered, sorted list of positions. */
  function applyView() {
    const m = view.model;
    const terms = view.filter.toLowerCase().split(/\s+/).filter(Boolean);
    /** @type {number[]} */
    const shown = [];
    for (let i = 0; i < m.entries.length; i++) {
      const h = view.haystacks[i];
      let ok = true;
      for (const t of terms) {
        if (h.indexOf(t) < 0) {
          ok = false;
          break;
        }
      }
      if (ok) shown.push(i);
    }
    if (view.sortKey) {
      const key = view.sortKey;
      const dir = view.sortDir;
      const keys = new Map(shown.map((i) => [i, sortValue(m.entries[i], key)]));
      shown.sort((a, b) => {
        const x = /** @type {string} */ (keys.get(a));
        const y = /** @type {string} */ (keys.get(b));
        return x < y ? -dir : x > y ? dir : a - b;
      });
    }
    view.shown = shown;
    saveState();
    if (ui) {
      ui.spacer.style.height = `${shown.length * ROW_HEIGHT}px`;
      ui.count.textContent = shown.length === m.entries.length ? `${shown.length} entries` : `${shown.length} of ${m.entries.length} entries`;
      ui.headers.forEach((h, i) => h.setAttribute('aria-sort', COLUMNS[i].key === view.sortKey ? (view.sortDir > 0 ? 'ascending' : 'descending') : 'none'));
      ui.headers.forEach((h, i) => {
        const b = /** @type {HTMLElement} */ (h.firstChild);
        b.textContent = COLUMNS[i].label;
        if (COLUMNS[i].key === view.sortKey) b.appendChild(icon(view.sortDir > 0 ? 'arrow-up' : 'arrow-down'));
      });
    }
  }

  /** Renders the rows in view, reusing a small pool of row elements. */
  function renderRows() {
    if (!ui) return;
    const m = view.model;
    const top = ui.viewport.scrollTop;
    const height = ui.viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(view.shown.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = last - first;
    while (ui.rows.length < needed) {
      // The kind cell holds an icon and its text; every other cell is text alone.
      const cells = COLUMNS.map((c) => el('div', { cls: `td col-${c.key}`, attrs: { role: 'gridcell' } }, c.key === 'kind' ? [icon('blank'), el('span')] : []));
      const r = el('div', { cls: 'row', attrs: { role: 'row' } }, cells);
      ui.rows.push(r);
      ui.spacer.appendChild(r);
    }
    let activeId = '';
    for (let k = 0; k < ui.rows.length; k++) {
      const r = ui.rows[k];
      if (k >= needed) {
        r.hidden = true;
        continue;
      }
      const pos = first + k;
      const row = m.entries[view.shown[pos]];
      r.hidden = false;
      r.style.transform = `translateY(${pos * ROW_HEIGHT}px)`;
      r.dataset.pos = String(pos);
      r.id = `row-${pos}`;
      r.setAttribute('aria-rowindex', String(pos + 2));
      const selected = row.alias === view.selectedAlias;
      r.setAttribute('aria-selected', selected ? 'true' : 'false');
      r.classList.toggle('selected', selected);
      if (selected) activeId = r.id;
      r.dataset.kind = row.kind;
      const values = cellValues(row);
      for (let c = 0; c < values.length; c++) {
        const cell = /** @type {HTMLElement} */ (r.children[c]);
        if (COLUMNS[c].key === 'kind') {
          const [mark, text] = /** @type {HTMLElement[]} */ ([...cell.children]);
          mark.className = `codicon codicon-${KIND_ICONS[/** @type {keyof typeof KIND_ICONS} */ (row.kind)] ?? 'blank'}`;
          if (text.textContent !== values[c]) text.textContent = values[c];
        } else if (cell.textContent !== values[c]) cell.textContent = values[c];
        if (COLUMNS[c].key === 'notAfter') cell.className = `td col-notAfter ${row.expiry ?? ''}`;
      }
    }
    if (activeId) ui.grid.setAttribute('aria-activedescendant', activeId);
    else ui.grid.removeAttribute('aria-activedescendant');
  }

  /** @param {string} key */
  function sortBy(key) {
    if (view.sortKey !== key) {
      view.sortKey = key;
      view.sortDir = 1;
    } else if (view.sortDir === 1) view.sortDir = -1;
    else view.sortKey = null; // third click: back to the store's own order (key pairs first)
    applyView();
    renderRows();
  }

  /** The row of the selection, if it is still in the model. */
  function selectedRow() {
    return view.selectedAlias === null ? undefined : view.model.entries.find((/** @type {any} */ e) => e.alias === view.selectedAlias);
  }

  let detailsTimer = 0;
  /** @param {number} pos position in the shown list */
  function select(pos) {
    const row = view.model.entries[view.shown[pos]];
    if (!row) return;
    view.selectedAlias = row.alias;
    saveState();
    renderRows();
    updateActions();
    clearTimeout(detailsTimer);
    // Held arrow keys move through many rows: ask for the details of the one the person stops on.
    detailsTimer = setTimeout(() => vscode.postMessage({ type: 'details', index: row.index }), 40);
  }

  /** @param {number} pos @param {boolean} [absolute] */
  function moveSelection(pos, absolute) {
    if (!ui || view.shown.length === 0) return;
    const current = view.shown.findIndex((i) => view.model.entries[i].alias === view.selectedAlias);
    let next = absolute ? pos : current < 0 ? 0 : current + pos;
    next = Math.max(0, Math.min(view.shown.length - 1, next));
    const top = next * ROW_HEIGHT;
    const vp = ui.viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW_HEIGHT - vp.clientHeight;
    select(next);
  }

  /** @param {KeyboardEvent} ev */
  function onGridKey(ev) {
    // Keys on a column header's sort button belong to the button.
    if (!ui || ev.target instanceof HTMLButtonElement) return;
    const page = Math.max(1, Math.floor(ui.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (ev.key in moves) {
      moveSelection(/** @type {Record<string, number>} */ (moves)[ev.key]);
    } else if (ev.key === 'Home') moveSelection(0, true);
    else if (ev.key === 'End') moveSelection(view.shown.length - 1, true);
    else if (ev.key === 'Enter') ui.detailsPane.focus();
    else if (ev.key === '/' || (ev.key === 'f' && (ev.ctrlKey || ev.metaKey))) ui.filter.focus();
    else return;
    ev.preventDefault();
  }

  function updateActions() {
    if (!ui) return;
    const row = selectedRow();
    for (const a of ACTIONS) {
      const b = ui.actions.get(a.id);
      if (!b) continue;
      const enabled =
        a.needs === 'store' ||
        (a.needs === 'entry' && !!row) ||
        (a.needs === 'key pair' && row?.kind === 'key pair') ||
        (a.needs === 'certificate' && !!row && row.kind !== 'secret key');
      b.disabled = !enabled;
      b.title = enabled ? '' : a.needs === 'store' ? '' : `Select a ${a.needs} first`;
    }
  }

  /** @param {string} id */
  function runAction(id) {
    const row = selectedRow();
    vscode.postMessage({ type: 'action', action: id, index: row ? row.index : null });
  }

  /** @param {any} d */
  function renderDetails(d) {
    if (!ui) return;
    const pane = ui.detailsPane;
    while (pane.firstChild) pane.removeChild(pane.firstChild);
    if (!d) {
      pane.appendChild(el('p', { cls: 'muted', text: 'This entry is no longer in the file.' }));
      return;
    }
    pane.appendChild(el('h2', { text: d.alias }));
    pane.appendChild(el('p', { cls: 'muted', text: `${d.kind}${d.created ? ` · created ${day(d.created)}` : ''}${d.chain.length > 1 ? ` · chain of ${d.chain.length}` : ''}` }));
    if (d.kind === 'secret key') pane.appendChild(el('p', { text: 'A secret key: listed and kept as it is; its value is never shown.' }));
    if (d.unreadableCertificates) pane.appendChild(el('p', { cls: 'error', text: `${d.unreadableCertificates} certificate(s) of this entry could not be read.` }));
    d.chain.forEach((/** @type {any} */ c, /** @type {number} */ i) => {
      const dl = el('dl');
      /** @param {string} label @param {string | Node} value @param {Node | null} [extra] */
      const add = (label, value, extra = null) => {
        dl.appendChild(el('dt', { text: label }));
        const dd = el('dd', {}, [typeof value === 'string' ? document.createTextNode(value) : value]);
        if (extra) dd.appendChild(extra);
        dl.appendChild(dd);
      };
      add('Subject', c.subject);
      add('Issuer', c.issuer);
      add('Serial', c.serialNumber);
      add('Valid from', c.notBefore.replace('T', ' ').replace('.000Z', ' UTC'));
      add('Valid until', el('span', { cls: `expiry ${c.expiry}`, text: `${c.notAfter.replace('T', ' ').replace('.000Z', ' UTC')}${c.expiry === 'expired' ? ' (expired)' : c.expiry === 'expiring' ? ' (expires soon)' : ''}` }));
      add('Public key', c.publicKeySize ? `${c.publicKeyAlgorithm} ${c.publicKeySize} bits` : c.publicKeyAlgorithm);
      add('Signature', c.signatureAlgorithm);
      if (c.subjectAltNames.length) add('Alternative names', c.subjectAltNames.join(', '));
      if (c.keyUsage.length) add('Key usage', c.keyUsage.join(', '));
      if (c.extendedKeyUsage.length) add('Extended key usage', c.extendedKeyUsage.join(', '));
      if (c.basicConstraints) add('Basic constraints', c.basicConstraints.ca ? `CA${c.basicConstraints.pathLength !== null ? `, path length ${c.basicConstraints.pathLength}` : ''}` : 'not a CA');
      add('SHA-1', el('code', { cls: 'fingerprint', text: c.sha1 }), copyButton(c.sha1, 'SHA-1 fingerprint'));
      add('SHA-256', el('code', { cls: 'fingerprint sha256', text: c.sha256 }), copyButton(c.sha256, 'SHA-256 fingerprint'));
      const pemButtons = el('span', { cls: 'pem-buttons' }, [copyButton(c.pem, 'PEM')]);
      if (view.canWrite && i === 0 && d.kind !== 'secret key') {
        const save = button('Save…', () => vscode.postMessage({ type: 'action', action: 'exportCertificate', index: d.index }), 'Save the certificate as a file');
        save.classList.add('small');
        pemButtons.appendChild(save);
      }
      add('PEM', pemButtons);
      const title = d.chain.length > 1 ? `Certificate ${i + 1} of ${d.chain.length}: ${c.subjectCn || c.subject}` : `Certificate: ${c.subjectCn || c.subject}`;
      pane.appendChild(el('section', { cls: 'cert', attrs: { 'aria-label': title } }, [el('h3', { text: title + (c.selfSigned ? ' (self-signed)' : '') }), dl]));
    });
  }

  /** @param {any} model @param {boolean} canWrite */
  function showModel(model, canWrite) {
    const rebuild = !ui || !view.model || view.canWrite !== canWrite || JSON.stringify(view.model.summary) !== JSON.stringify(model.summary) || JSON.stringify(view.model.usedBy) !== JSON.stringify(model.usedBy);
    const t0 = performance.now();
    view.model = model;
    view.canWrite = canWrite;
    view.haystacks = model.entries.map((/** @type {any} */ r) => `${r.alias}\n${r.kind}\n${r.subjectCn}\n${r.issuerCn}\n${r.keyAlgorithm}\n${r.signatureAlgorithm}\n${r.sha256}\n${r.sha256.replace(/:/g, '')}`.toLowerCase());
    if (rebuild) {
      const scroll = ui ? ui.viewport.scrollTop : 0;
      buildTable();
      if (ui) ui.viewport.scrollTop = scroll;
    }
    applyView();
    renderRows();
    updateActions();
    const row = selectedRow();
    if (row) vscode.postMessage({ type: 'details', index: row.index });
    else if (view.selectedAlias !== null) {
      view.selectedAlias = null;
      renderDetails(null);
    }
    if (view.firstRenderPending) {
      view.firstRenderPending = false;
      // After the first paint of the table: the time the person waits for it.
      requestAnimationFrame(() => vscode.postMessage({ type: 'rendered', rows: model.entries.length, ms: performance.now() - t0 }));
    }
  }

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'loading':
        showStatus(`Opening ${m.fileName}…`);
        break;
      case 'model':
        showModel(m.model, !!m.canWrite);
        break;
      case 'password':
        view.model = null;
        view.firstRenderPending = true;
        showPassword(m);
        break;
      case 'error':
        view.model = null;
        showError(m);
        break;
      case 'details': {
        const row = selectedRow();
        if (row && row.index === m.index) renderDetails(m.details);
        break;
      }
      default:
        break;
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
