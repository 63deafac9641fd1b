/* zmon-web's script (bin/zmon/web/static): the pages Fleet, Dead letters,
   Conversation and Supervisor, built from the JSON API (docs/zmon.md, Web
   console). Everything shown is put in the page with textContent (message
   bodies are user input): never parsed as markup, no inline handlers. Rows
   carry data-service, data-entry/data-id and data-event (set as attributes,
   so escaped too) for the page tests (tests/zmon/test_zmon_web_pages.c). */
'use strict';

const POLL_MS = 2000;
let timer = null;          // the live page's next refresh
let generation = 0;        // bumped on every navigation: late answers are dropped

// An element: attributes (class, on<event>, others set as attributes),
// then children (strings become text nodes; null and undefined skipped).
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function main() { return document.getElementById('main'); }
function status(text) { document.getElementById('status').textContent = text; }

function show(...nodes) {
  main().replaceChildren(...nodes);
}

async function api(path, options) {
  const answer = await fetch(path, Object.assign({ cache: 'no-store' }, options || {}));
  let body = null;
  try { body = await answer.json(); } catch (error) { body = { error: 'not JSON' }; }
  if (!answer.ok) throw new Error((body && body.error) || answer.statusText);
  return body;
}

function time(ms) { return ms ? new Date(ms).toISOString() : '-'; }
function rate(value) { return value === null || value === undefined ? '-' : value.toFixed(1); }
function micros(value) { return value ? (value / 1000).toFixed(1) + ' ms' : '-'; }
function age(ms) {
  if (!ms) return '-';
  if (ms < 1000) return ms + ' ms';
  if (ms < 120000) return (ms / 1000).toFixed(1) + ' s';
  return (ms / 60000).toFixed(1) + ' min';
}
function cell(value, number) { return el('td', number ? { class: 'number' } : {}, value); }
function table(headings, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, headings.map(h => el('th', {}, h)))),
            el('tbody', {}, rows));
}
function failure(error) { return el('p', { class: 'bad' }, 'Error: ' + error.message); }

// --------------------------------------------------------------------------
// Fleet: brokers, their storage, per service figures and alerts; live.

function serviceRow(name, s) {
  const alerts = s.alerts || [];
  const attributes = { 'data-service': name };
  if (alerts.length) attributes.class = 'alert';
  return el('tr', attributes,
    cell(name), cell(s.workers, 1), cell(s.capacity, 1), cell(s.queued, 1), cell(s.in_flight, 1),
    cell(rate(s.delivered_rate), 1), cell(rate(s.retry_rate), 1), cell(s.dead_lettered, 1),
    cell(age(s.oldest_age_ms), 1), cell(micros(s.p50_us), 1), cell(micros(s.p99_us), 1),
    cell(alerts.join(' ')));
}

function brokerView(b) {
  if (!b.reachable) {
    return el('section', {}, el('h2', {}, 'Broker ' + b.endpoint),
              el('p', { class: 'bad' }, 'UNREACHABLE: ' + (b.error || 'no answer')));
  }
  const storageOk = b.storage === 'ok';
  const names = Object.keys(b.services || {}).sort();
  return el('section', {},
    el('h2', {}, 'Broker ' + (b.broker || '') + ' at ' + b.endpoint),
    el('p', {}, 'storage: ', el('span', { class: storageOk ? 'ok' : 'bad' }, String(b.storage)),
       ' · up ' + age(b.uptime_ms) + ' · published ' + b.published + ' (' + rate(b.publish_rate) +
       '/s) · dead letters ' + b.dead_letters),
    table(['service', 'workers', 'capacity', 'queued', 'in flight', 'delivered/s', 'retries/s',
           'dead', 'oldest', 'p50', 'p99', 'alerts'],
          names.map(name => serviceRow(name, b.services[name]))));
}

async function fleetPage(mine) {
  try {
    const view = await api('/api/stats');
    if (mine !== generation) return;
    const nodes = (view.brokers || []).map(brokerView);
    if (view.supervise) nodes.push(supervisorInstances(view.supervise));
    show(...nodes);
    status('updated ' + new Date(view.at_ms).toLocaleTimeString() +
           (view.interval_ms ? '' : ' (rates from the next refresh)'));
  } catch (error) {
    if (mine === generation) show(failure(error));
  }
  if (mine === generation) timer = setTimeout(() => fleetPage(mine), POLL_MS);
}

// --------------------------------------------------------------------------
// Dead letters: the list, one in detail, replay with a confirmation.

function tokenField() {
  const input = el('input', { type: 'password', id: 'token', autocomplete: 'off',
                              placeholder: 'ZMON_WEB_TOKEN (needed to replay)' });
  input.value = sessionStorage.getItem('zmon-web-token') || '';
  input.addEventListener('change', () => sessionStorage.setItem('zmon-web-token', input.value));
  return el('p', {}, 'Token: ', input);
}

async function replay(what, label) {
  if (!window.confirm('Replay ' + label + '? They go back to their queues, attempts reset.'))
    return;
  const token = sessionStorage.getItem('zmon-web-token') || '';
  const body = what === 'all' ? { all: true } : { id: what };
  try {
    const results = await api('/api/dlq/replay', {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token } });
    const replayed = results.reduce((sum, r) => sum + (r.reply || 0), 0);
    window.alert('Replayed ' + replayed + '.');
    location.hash = '#dlq';
    route();
  } catch (error) {
    window.alert('Refused: ' + error.message);
  }
}

function dlqRow(entry) {
  const open = () => { location.hash = '#dlq/' + encodeURIComponent(entry.entry); };
  return el('tr', { class: 'link', onclick: open, 'data-entry': entry.entry || '',
                    'data-id': entry.id || '' },
    cell(entry.entry), cell(time(entry.failed_ms)), cell(entry.service),
    cell((entry.envelope && entry.envelope.type) || ''), cell(entry.attempts, 1),
    cell(entry.reason), cell(entry.id));
}

async function dlqPage(mine) {
  try {
    const results = await api('/api/dlq');
    if (mine !== generation) return;
    const filters = [];
    const nodes = [tokenField(),
                   el('button', { onclick: () => replay('all', 'every dead letter') },
                      'Replay all')];
    for (const result of results) {
      if (!result.reachable) {
        nodes.push(el('p', { class: 'bad' }, 'Broker ' + result.endpoint + ': ' + result.error));
        continue;
      }
      nodes.push(el('h2', {}, 'Broker ' + result.endpoint + ': ' + result.reply.length +
                    ' dead letters'));
      const rows = result.reply.map(entry => [JSON.stringify(entry), dlqRow(entry)]);
      const body = el('tbody', {}, rows.map(([, row]) => row));
      filters.push(text => body.replaceChildren(
        ...rows.filter(([json]) => json.includes(text)).map(([, row]) => row)));
      nodes.push(el('table', {}, el('thead', {}, el('tr', {},
        ['entry', 'failed', 'service', 'type', 'attempts', 'reason', 'envelope id']
          .map(h => el('th', {}, h)))), body));
    }
    const filter = el('input', { type: 'text', id: 'filter',
                                 placeholder: 'filter: any text of the entry, e.g. a phone number' });
    filter.addEventListener('input', () => filters.forEach(apply => apply(filter.value.trim())));
    nodes.splice(2, 0, el('p', {}, filter));
    show(...nodes);
    status(new Date().toLocaleTimeString());
  } catch (error) {
    if (mine === generation) show(failure(error));
  }
}

async function dlqDetail(mine, id) {
  try {
    const entry = await api('/api/dlq/' + encodeURIComponent(id));
    if (mine !== generation) return;
    const errors = (entry.errors || []).map((error, index) =>
      el('tr', {}, cell(index + 1, 1),
         cell(typeof error === 'string' ? error : JSON.stringify(error))));
    const corr = entry.envelope && entry.envelope.corr;
    show(el('p', {}, el('a', { href: '#dlq' }, '← all dead letters')),
      el('h2', {}, 'Dead letter ' + entry.entry),
      table(['field', 'value'], [
        ['envelope id', entry.id], ['service', entry.service], ['reason', entry.reason],
        ['attempts', entry.attempts], ['failed', time(entry.failed_ms)],
        ['conversation', corr || '-']].map(([name, value]) => el('tr', {}, cell(name), cell(value)))),
      corr ? el('p', {}, el('a', { href: '#conversation/' + encodeURIComponent(corr) },
                            'the conversation\'s timeline')) : null,
      el('h2', {}, 'Every attempt\'s error'),
      errors.length ? table(['attempt', 'error'], errors) : el('p', { class: 'muted' }, 'none noted'),
      el('h2', {}, 'Envelope (secrets redacted)'),
      el('pre', {}, JSON.stringify(entry.envelope, null, 2)),
      tokenField(),
      el('button', { onclick: () => replay(entry.entry, 'dead letter ' + entry.entry) },
         'Replay this one'));
  } catch (error) {
    if (mine === generation) show(el('p', {}, el('a', { href: '#dlq' }, '← all dead letters')),
                                  failure(error));
  }
}

// --------------------------------------------------------------------------
// Conversation: one conversation's history, hop by hop, with offsets; or,
// searched by phone number, the number's conversations, newest first.

// A phone number as the brokers index it: E.164, maybe after whatsapp:.
function isPhone(text) { return /^(whatsapp:)?\s*\+[0-9 ().-]+$/.test(text); }

function searchForm(value) {
  const input = el('input', { type: 'text', id: 'corr',
                              placeholder: 'conversation id (corr) or phone number (+15551230001)' });
  input.value = value || '';
  const form = el('form', {}, input, el('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    location.hash = '#conversation/' + encodeURIComponent(input.value.trim());
  });
  return el('div', {}, form, el('p', { class: 'muted' },
    'A conversation id shows its timeline. A phone number in E.164 (+…, or whatsapp:+…) lists ' +
    'the conversations it wrote or was written in, newest first, for as long as the brokers ' +
    'keep their traces (broker/trace-ttl).'));
}

function conversationLink(corr) {
  return el('a', { href: '#conversation/' + encodeURIComponent(corr) }, corr);
}

async function phonePage(mine, phone) {
  show(searchForm(phone), el('p', { class: 'muted' }, 'loading…'));
  try {
    const found = await api('/api/conversations?phone=' + encodeURIComponent(phone));
    if (mine !== generation) return;
    const down = found.brokers.filter(b => b.error)
      .map(b => el('p', { class: 'bad' }, 'Broker ' + b.endpoint + ': ' + b.error));
    const rows = found.conversations.map(c => el('tr', { class: 'link', 'data-corr': c.corr,
        onclick: () => { location.hash = '#conversation/' + encodeURIComponent(c.corr); } },
      cell(time(c.first_ms)), cell(c.tenant || '-'), el('td', {}, conversationLink(c.corr))));
    show(searchForm(phone), ...down, el('h2', {}, 'Conversations of ' + found.phone),
      rows.length
        ? table(['first seen', 'tenant', 'conversation'], rows)
        : el('p', { class: 'muted' },
             'No conversation noted for this number (or broker/trace is off, or it expired).'));
  } catch (error) {
    if (mine === generation) show(searchForm(phone), failure(error));
  }
}

function traceRow(row) {
  const attributes = { 'data-event': row.event || '' };
  if (row.event === 'dead') attributes.class = 'alert';
  return el('tr', attributes,
    cell('+' + row.offset_ms + ' ms', 1), cell(time(row.at_ms)), cell(row.event), cell(row.type),
    cell(row.service), cell(row.attempt, 1), cell(row.delay_ms ? row.delay_ms + ' ms' : '', 1),
    cell(row.reason), cell(row.id));
}

async function conversationPage(mine, corr) {
  if (!corr) {
    show(searchForm(''));
    return;
  }
  if (isPhone(corr)) {
    phonePage(mine, corr);
    return;
  }
  show(searchForm(corr), el('p', { class: 'muted' }, 'loading…'));
  try {
    const trace = await api('/api/trace/' + encodeURIComponent(corr));
    if (mine !== generation) return;
    const down = trace.brokers.filter(b => !b.reachable)
      .map(b => el('p', { class: 'bad' }, 'Broker ' + b.endpoint + ': ' + b.error));
    show(searchForm(corr), ...down, el('h2', {}, 'Conversation ' + trace.corr),
      trace.rows.length
        ? table(['offset', 'at', 'event', 'type', 'service', 'attempt', 'delay', 'reason', 'id'],
                trace.rows.map(traceRow))
        : el('p', { class: 'muted' }, 'Nothing noted of this conversation (or broker/trace is off).'));
  } catch (error) {
    if (mine === generation) show(searchForm(corr), failure(error));
  }
}

// --------------------------------------------------------------------------
// Supervisor: programs, instances, restarts, last exit reasons; live.

function supervisorInstances(supervise) {
  if (!supervise.reachable)
    return el('p', { class: 'bad' }, 'supervise: ' + (supervise.error || 'unreachable'));
  return el('section', {}, el('h2', {}, 'Instances'),
    table(['program', 'instance', 'state', 'pid', 'up', 'restarts', 'last exit'],
      supervise.instances.map(i => el('tr', (i.alerts || []).length ? { class: 'alert' } : {},
        cell(i.program), cell(i.instance, 1), cell(i.state), cell(i.pid === undefined ? '' : i.pid, 1),
        cell(i.uptime_ms === undefined ? '' : age(i.uptime_ms), 1), cell(i.restarts, 1),
        cell(i.reason === undefined ? '' : i.reason)))));
}

async function supervisorPage(mine) {
  try {
    const supervise = await api('/api/supervise');
    if (mine !== generation) return;
    const programs = (supervise.programs || []).map(p => el('tr', {},
      cell(p.name), cell(p.instances, 1), cell(p.enabled ? 'yes' : 'no'),
      cell(p.failed ? p.failure : '', 0)));
    show(el('p', {}, 'Fleet: ' + (supervise.fleet || '-') +
                     (supervise.shutting_down ? ' (shutting down)' : '')),
         el('h2', {}, 'Programs'),
         table(['program', 'instances', 'enabled', 'failed'], programs),
         supervisorInstances(supervise));
    status('updated ' + new Date().toLocaleTimeString());
  } catch (error) {
    if (mine === generation) show(failure(error));
  }
  if (mine === generation) timer = setTimeout(() => supervisorPage(mine), POLL_MS);
}

// --------------------------------------------------------------------------
// Navigation: #page or #page/argument

function route() {
  clearTimeout(timer);
  const mine = ++generation;
  const hash = location.hash.slice(1) || 'fleet';
  const slash = hash.indexOf('/');
  const page = slash < 0 ? hash : hash.slice(0, slash);
  let argument = '';
  try { argument = slash < 0 ? '' : decodeURIComponent(hash.slice(slash + 1)); } catch (e) { }
  for (const link of document.querySelectorAll('nav a'))
    link.classList.toggle('current', link.dataset.page === page);
  status('');
  if (page === 'dlq' && argument) dlqDetail(mine, argument);
  else if (page === 'dlq') dlqPage(mine);
  else if (page === 'conversation') conversationPage(mine, argument);
  else if (page === 'supervisor') supervisorPage(mine);
  else fleetPage(mine);
}

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', route);
