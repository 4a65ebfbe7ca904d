// The dataset page, `/datasets/{namespace}/{name}`: an OpenLineage dataset,
// the product port that owns it (with that port's schema) if any, the jobs
// that write it with their latest runs, and its dataset-level lineage.
import { api, parseProductUrn, productHref } from './api.js';
import { formatTime, h, replace } from './dom.js';
import { lineageSection } from './lineage.js';

export async function renderDataset(main, namespace, name) {
  main.dataset.page = 'dataset';
  document.title = `${name} · meshdex`;
  const nodeId = `dataset:${namespace}:${name}`;
  const owner = h('section', { class: 'owner', 'aria-labelledby': 'owner-heading' },
    h('h2', { id: 'owner-heading' }, 'Owner'), h('p', { class: 'loading' }, 'Loading…'));
  const producers = h('section', { class: 'producers', 'aria-labelledby': 'producers-heading' },
    h('h2', { id: 'producers-heading' }, 'Written by'), h('p', { class: 'loading' }, 'Loading…'));
  replace(main, h('article', { class: 'dataset' },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '/' }, 'Catalog'), ' / ', h('span', {}, 'datasets'), ' / ',
      h('span', { 'aria-current': 'page' }, name)),
    h('header', { class: 'product-head' },
      h('div', { class: 'title-row' }, h('h1', {}, name), h('span', { class: 'badge type-dataset' }, 'dataset')),
      h('p', { class: 'urn' }, h('code', {}, namespace))),
    owner, producers,
    lineageSection({ nodeId, levels: ['dataset', 'product'], level: 'dataset', depth: 2 })));
  renderOwner(owner, namespace, name);
  renderProducers(producers, nodeId);
}

async function renderOwner(section, namespace, name) {
  const heading = section.firstChild;
  let claim;
  try {
    claim = await api.resolve({ namespace, name });
  } catch (error) {
    replace(section, heading, h('p', { class: 'muted' }, error.status === 404
      ? 'No data product owns this dataset.' : `Owner could not be looked up: ${error.message}`));
    return;
  }
  const product = parseProductUrn(claim.productUrn);
  const link = product ? h('a', { href: productHref(product.domain, product.name) }, claim.productUrn)
                       : claim.productUrn;
  replace(section, heading, h('p', {}, 'Output port ', h('strong', {}, claim.portName), ' of ', link));
  if (!product) return;
  try {
    const owning = await api.product(product.domain, product.name);
    const port = (owning.spec?.outputPorts ?? []).find((candidate) => candidate.name === claim.portName);
    const fields = port?.schema?.fields ?? [];
    if (fields.length) {
      section.append(h('h3', {}, 'Schema'), h('div', { class: 'table-scroll' }, h('table', { class: 'schema' },
        h('thead', {}, h('tr', {}, ['Field', 'Type', 'Classification'].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, fields.map((field) => h('tr', { class: field.classification === 'pii' ? 'pii' : '' },
          h('th', { scope: 'row' }, h('code', {}, field.name),
            field.classification === 'pii' ? [' ', h('span', { class: 'pii-marker', role: 'img', 'aria-label': 'Personal data' }, 'PII')] : null),
          h('td', {}, h('code', {}, field.type ?? '')), h('td', {}, field.classification ?? '')))))));
    }
  } catch {
    // The claim is shown; the schema is a bonus.
  }
}

async function renderProducers(section, nodeId) {
  const heading = section.firstChild;
  let graph;
  try {
    graph = await api.lineage({ nodeId, level: 'dataset', direction: 'up', depth: 1 });
  } catch (error) {
    replace(section, heading, h('p', { class: 'muted' }, error.status === 503
      ? 'Lineage is not available on this server.' : 'No job is known to write this dataset.'));
    return;
  }
  const jobs = (graph.nodes ?? []).filter((node) => node.type === 'job');
  if (!jobs.length) {
    replace(section, heading, h('p', { class: 'muted' }, 'No job is known to write this dataset.'));
    return;
  }
  replace(section, heading, ...jobs.map((job) => {
    const runs = h('div', {}, h('p', { class: 'loading' }, 'Loading runs…'));
    api.runs(job.id, 5).then((response) => {
      const list = response.runs ?? [];
      replace(runs, list.length ? h('table', { class: 'runs' },
        h('thead', {}, h('tr', {}, ['Run', 'State', 'Started', 'Ended'].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, list.map((run) => h('tr', {},
          h('td', {}, h('code', {}, run.runId)),
          h('td', {}, h('span', { class: `badge run-${(run.state ?? '').toLowerCase()}` }, run.state ?? '')),
          h('td', {}, formatTime(run.startTime)), h('td', {}, formatTime(run.endTime))))))
        : h('p', { class: 'muted' }, 'No runs recorded.'));
    }).catch((error) => replace(runs, h('p', { class: 'error' }, error.message)));
    return h('div', { class: 'job' }, h('h3', {}, job.name, h('span', { class: 'muted' }, ` ${job.namespace}`)), runs);
  }));
}
