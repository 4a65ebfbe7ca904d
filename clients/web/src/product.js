// The product page, `/products/{domain}/{name}`: what the product is and who
// owns it, its trust and governance state, every port with its schema (PII
// marked) and SLO, the lineage graph, and the revision history with a diff
// between any two revisions.
import { api, datasetHref } from './api.js';
import { diffLines, withContext } from './diff.js';
import { formatSeconds, formatTime, h, replace } from './dom.js';
import { lineageSection } from './lineage.js';

// Classifications shown as personal data.
const PERSONAL = new Set(['pii', 'sensitive']);

const searchHref = (filters) => {
  const params = new URLSearchParams();
  for (const filter of filters) params.append('f', filter);
  return `/?${params}`;
};

export async function renderProduct(main, domain, name) {
  main.dataset.page = 'product';
  document.title = `${name} · ${domain} · meshdex`;
  replace(main, h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  let product;
  try {
    product = await api.product(domain, name);
  } catch (error) {
    replace(main, h('div', { class: 'error', role: 'alert' },
      h('h1', {}, error.status === 404 ? 'Product not found' : 'Product could not be loaded'),
      h('p', {}, error.message), h('p', {}, h('a', { href: '/' }, 'Search the catalog'))));
    return;
  }
  const { metadata = {}, spec = {}, status = {} } = product;
  document.title = `${spec.title || name} · meshdex`;
  const urn = metadata.urn || `urn:dp:${domain}:${name}`;
  const hasPersonalData = (spec.outputPorts ?? []).some((port) =>
    (port.schema?.fields ?? []).some((field) => PERSONAL.has(field.classification)));

  replace(main, h('article', { class: 'product' },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '/' }, 'Catalog'), ' / ',
      h('a', { href: searchHref([`domain:${domain}`]) }, domain), ' / ',
      h('span', { 'aria-current': 'page' }, name)),
    h('header', { class: 'product-head' },
      h('div', { class: 'title-row' },
        h('h1', {}, spec.title || name),
        spec.lifecycle ? h('span', { class: `badge lifecycle lifecycle-${spec.lifecycle}` }, spec.lifecycle) : null,
        hasPersonalData ? piiMarker('Holds personal data') : null),
      h('p', { class: 'urn' }, h('code', {}, urn)),
      spec.description ? h('p', { class: 'description' }, spec.description) : null,
      facts(product),
      tagList(spec)),
    governanceSection(domain, status.governance),
    portsSection('Output ports', spec.outputPorts ?? [], true, status.trust?.ports ?? []),
    portsSection('Input ports', spec.inputPorts ?? [], false),
    lineageSection({ nodeId: urn, levels: ['product', 'dataset'], level: 'product', depth: 2 }),
    historySection(domain, name)));
}

function piiMarker(label) {
  return h('span', { class: 'pii-marker', title: label, 'aria-label': label, role: 'img' }, 'PII');
}

function facts({ metadata = {}, spec = {}, status = {} }) {
  const owner = spec.owner ?? {};
  const items = [
    ['Owner', owner.team ? h('a', { href: searchHref([`owner:${owner.team}`]) }, owner.team) : '—',
     owner.email ? [' · ', h('a', { href: `mailto:${owner.email}` }, owner.email)] : null],
    ['Version', spec.version || '—'],
    ['Revision', metadata.revision ? String(metadata.revision) : '—'],
    ['Updated', formatTime(metadata.updateTime) || '—'],
    ['Trust', trustBadge(status.trust?.state),
     status.trust?.lastSuccessfulRun
       ? h('span', { class: 'muted' }, ` · last run ${formatTime(status.trust.lastSuccessfulRun)}`) : null],
    ['Governance', status.governance ? scoreMeter(status.governance.score ?? 0) : h('span', { class: 'muted' }, 'not evaluated')],
  ];
  return h('dl', { class: 'facts' }, items.map(([term, ...value]) =>
    h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

function trustBadge(state) {
  if (!state || state === 'TRUST_STATE_UNSPECIFIED') return h('span', { class: 'muted' }, 'not reported');
  return h('span', { class: `badge trust trust-${state.toLowerCase()}` }, state.toLowerCase());
}

function scoreMeter(score) {
  const percent = Math.round(Number(score) * 100);
  return h('span', { class: 'score' },
    h('meter', { min: 0, max: 100, low: 60, high: 85, optimum: 100, value: percent,
                 'aria-label': `Governance score ${percent} %` }),
    ` ${percent} %`);
}

function tagList(spec) {
  const tags = spec.tags ?? [];
  const terms = spec.glossaryTerms ?? [];
  if (!tags.length && !terms.length) return null;
  return h('div', { class: 'tag-row' },
    h('ul', { class: 'tags', 'aria-label': 'Tags' },
      tags.map((tag) => h('li', {}, h('a', { class: 'tag', href: searchHref([`tag:${tag}`]) }, tag)))),
    terms.length ? h('p', { class: 'terms' }, 'Glossary: ', terms.join(', ')) : null);
}

// status.governance: the score (share of the applicable policy rules the
// product meets) and every violation of the policies in force, enforced or
// warned, with the field it concerns.
function governanceSection(domain, governance) {
  const violations = governance?.violations ?? [];
  let body;
  if (!governance) {
    body = h('p', { class: 'muted' }, 'Not evaluated yet.');
  } else if (!violations.length) {
    body = h('p', { class: 'governance-ok' }, 'Meets every policy in force.');
  } else {
    body = [
      h('ul', { class: 'violations', 'aria-label': 'Policy violations' }, violations.map((violation) => {
        const enforcement = violation.enforcement || 'warn';
        return h('li', { class: 'violation' },
          h('div', { class: 'violation-head' },
            h('span', { class: `badge enforcement-${enforcement}` }, enforcement),
            h('strong', { class: 'violation-policy' }, violation.policy),
            violation.path ? h('code', { class: 'violation-path' }, violation.path) : null),
          violation.message ? h('p', { class: 'violation-message' }, violation.message) : null);
      })),
      h('p', {}, h('a', { href: searchHref([`domain:${domain}`, 'governance:violating']) },
        `Products of ${domain} with violations`)),
    ];
  }
  return h('section', { class: 'governance', 'aria-labelledby': 'governance-heading' },
    h('h2', { id: 'governance-heading' }, 'Governance'),
    governance ? h('p', { class: 'governance-summary' }, scoreMeter(governance.score ?? 0),
      h('span', { class: 'muted' }, violations.length
        ? ` · ${violations.length} violation${violations.length === 1 ? '' : 's'}`
        : ' of the applicable rules met')) : null,
    body);
}

// `trust`: status.trust.ports, the freshness of each output port.
function portsSection(title, ports, withSchema, trust = []) {
  if (!ports.length) return null;
  const id = title.toLowerCase().replace(/\s+/g, '-');
  return h('section', { class: 'ports', 'aria-labelledby': id },
    h('h2', { id }, title),
    ports.map((port) => portCard(port, withSchema, trust.find((entry) => entry.port === port.name))));
}

function portCard(port, withSchema, trust) {
  const fields = port.schema?.fields ?? [];
  const slo = port.slo ?? {};
  const sloParts = [
    slo.freshnessSeconds ? `fresh within ${formatSeconds(slo.freshnessSeconds)}` : null,
    slo.availabilityPercent ? `${slo.availabilityPercent} % available` : null,
  ].filter(Boolean);
  return h('section', { class: 'port' },
    h('h3', {}, port.name,
      port.kind ? h('span', { class: `badge kind kind-${port.kind}` }, port.kind) : null,
      port.format ? h('span', { class: 'badge format' }, port.format) : null,
      fields.some((field) => PERSONAL.has(field.classification)) ? piiMarker('Port holds personal data') : null,
      trust?.state ? trustBadge(trust.state) : null),
    port.address ? h('p', { class: 'address' }, h('code', {}, port.address)) : null,
    port.dataset?.name ? h('p', {}, 'Dataset: ',
      h('a', { href: datasetHref(port.dataset.namespace ?? '', port.dataset.name) },
        `${port.dataset.namespace} / ${port.dataset.name}`)) : null,
    port.description ? h('p', { class: 'muted' }, port.description) : null,
    sloParts.length ? h('p', { class: 'slo' }, h('span', { class: 'label' }, 'SLO'), ' ', sloParts.join(' · ')) : null,
    withSchema && fields.length ? schemaTable(port.name, fields) : null);
}

function schemaTable(portName, fields) {
  return h('div', { class: 'table-scroll' }, h('table', { class: 'schema' },
    h('caption', { class: 'visually-hidden' }, `Schema of ${portName}`),
    h('thead', {}, h('tr', {}, ['Field', 'Type', 'Required', 'Classification', 'Description']
      .map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, fields.map((field) => {
      const personal = PERSONAL.has(field.classification);
      return h('tr', { class: personal ? 'pii' : '' },
        h('th', { scope: 'row' }, h('code', {}, field.name), personal ? [' ', piiMarker('Personal data')] : null),
        h('td', {}, h('code', {}, field.type ?? '')),
        h('td', {}, field.required ? h('span', { 'aria-label': 'required' }, '✓') : ''),
        h('td', {}, field.classification ? h('span', { class: `badge class-${field.classification}` }, field.classification) : ''),
        h('td', {}, field.description ?? ''));
    }))));
}

// What a revision diff compares: everything the owner wrote.
function comparable(revision) {
  const { metadata = {}, spec = {} } = revision;
  return JSON.stringify({ labels: metadata.labels ?? {}, spec }, null, 2);
}

function historySection(domain, name) {
  const body = h('div', {}, h('p', { class: 'loading' }, 'Loading history…'));
  const section = h('section', { class: 'history', 'aria-labelledby': 'history-heading' },
    h('h2', { id: 'history-heading' }, 'Revision history'), body);
  api.revisions(domain, name).then((response) => {
    const revisions = response.revisions ?? [];
    if (!revisions.length) {
      replace(body, h('p', { class: 'muted' }, 'No revisions.'));
      return;
    }
    const table = h('div', { class: 'table-scroll' }, h('table', { class: 'revisions' },
      h('thead', {}, h('tr', {}, ['Revision', 'Time', 'Version', 'Lifecycle', 'Change']
        .map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, [...revisions].reverse().map((revision, index, newestFirst) => {
        const meta = revision.metadata ?? {};
        const older = newestFirst[index + 1];
        const change = meta.deleteTime ? 'deleted'
          : !older || older.metadata?.deleteTime ? 'created' : 'updated';
        return h('tr', {},
          h('td', {}, String(meta.revision ?? '')), h('td', {}, formatTime(meta.deleteTime || meta.updateTime)),
          h('td', {}, revision.spec?.version ?? ''), h('td', {}, revision.spec?.lifecycle ?? ''),
          h('td', {}, h('span', { class: `badge change-${change}` }, change)));
      }))));
    replace(body, table, revisions.length > 1 ? diffView(revisions) : null);
  }).catch((error) => {
    replace(body, h('p', { class: 'error' }, `History could not be loaded: ${error.message}`));
  });
  return section;
}

function diffView(revisions) {
  const options = (selected) => revisions.map((revision, index) =>
    h('option', { value: index, selected: index === selected }, `revision ${revision.metadata?.revision}`));
  const from = h('select', { 'aria-label': 'Compare from' }, options(revisions.length - 2));
  const to = h('select', { 'aria-label': 'Compare to' }, options(revisions.length - 1));
  const output = h('pre', { class: 'diff', tabindex: '0', 'aria-label': 'Differences' });
  const show = () => {
    const lines = withContext(diffLines(comparable(revisions[from.value]), comparable(revisions[to.value])));
    const changed = lines.some((line) => line.op === '+' || line.op === '-');
    replace(output, changed
      ? lines.map((line) => h('span', {
          class: line.op === '+' ? 'added' : line.op === '-' ? 'removed' : line.op === '…' ? 'skipped' : '',
        }, `${line.op === '…' ? '  ' : `${line.op} `}${line.text}\n`))
      : 'No differences.');
  };
  from.addEventListener('change', show);
  to.addEventListener('change', show);
  show();
  return h('div', { class: 'diff-view' },
    h('h3', {}, 'Compare revisions'),
    h('div', { class: 'diff-controls' }, h('label', {}, 'From ', from), h('label', {}, 'to ', to)),
    output);
}
