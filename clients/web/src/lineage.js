// The lineage graph of a product or dataset: /v1/lineage drawn with cytoscape
// and a layered (dagre) layout, left to right from upstream to downstream.
// Controls switch product/dataset level, direction and depth; nodes open
// their page on click, and the same nodes are listed as links below the
// graph for keyboard and screen-reader users. The graph library is loaded
// only when a graph is drawn.
import { api, datasetHref, parseProductUrn, productHref } from './api.js';
import { h, replace } from './dom.js';
import { navigate } from './nav.js';

let cytoscapePromise = null;
const MAX_FIT_ZOOM = 1.25;

// Node width from its label (12 px text), so labels fit their boxes.
function labelWidth(element) {
  return Math.max(48, String(element.data('label')).length * 7 + 16);
}

function loadCytoscape() {
  cytoscapePromise ??= Promise.all([
    import('./vendor/cytoscape.mjs'), import('./vendor/cytoscape-dagre.mjs'),
  ]).then(([{ default: cytoscape }, { default: dagre }]) => {
    cytoscape.use(dagre);
    return cytoscape;
  });
  return cytoscapePromise;
}

function nodeHref(node) {
  if (node.type === 'product') {
    const product = parseProductUrn(node.productUrn || node.id);
    return product ? productHref(product.domain, product.name) : null;
  }
  if (node.type === 'dataset') return datasetHref(node.namespace ?? '', node.name ?? '');
  return null;
}

function nodeLabel(node) {
  if (node.type === 'product') return node.name || node.id;
  return node.name || node.id;
}

function cssVariable(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

// `options`: {nodeId, title, levels: ['product', 'dataset'], level, depth}.
export function lineageSection({ nodeId, levels = ['product', 'dataset'], level = levels[0], depth = 2 }) {
  const state = { level, direction: 'both', depth };
  const status = h('p', { class: 'graph-status', role: 'status' });
  const canvas = h('div', { class: 'graph', 'aria-hidden': 'true', dataset: { nodeCount: '0' } });
  const nodeList = h('ul', { class: 'graph-nodes' });
  const details = h('details', { class: 'graph-list' }, h('summary', {}, 'Nodes as a list'), nodeList);
  let cy = null;

  const levelControl = levels.length > 1
    ? h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Level' },
        levels.map((value) => h('label', {},
          h('input', {
            type: 'radio', name: `level-${nodeId}`, value, checked: value === state.level,
            onchange: () => { state.level = value; draw(); },
          }),
          h('span', {}, value === 'product' ? 'Products' : 'Datasets'))))
    : null;
  const directionControl = h('label', {}, 'Direction ',
    h('select', { onchange: (event) => { state.direction = event.target.value; draw(); } },
      [['both', 'Up- and downstream'], ['up', 'Upstream'], ['down', 'Downstream']].map(
        ([value, label]) => h('option', { value, selected: value === state.direction }, label))));
  const depthControl = h('label', {}, 'Depth ',
    h('select', { onchange: (event) => { state.depth = Number(event.target.value); draw(); } },
      [1, 2, 3, 4, 5, 6].map((value) => h('option', { value, selected: value === state.depth }, value))));

  const section = h('section', { class: 'lineage', 'aria-labelledby': 'lineage-heading' },
    h('h2', { id: 'lineage-heading' }, 'Lineage'),
    h('div', { class: 'graph-controls' }, levelControl, directionControl, depthControl),
    status, canvas, details);

  async function draw() {
    status.textContent = 'Loading lineage…';
    let graph;
    try {
      graph = await api.lineage({ nodeId, level: state.level, direction: state.direction, depth: state.depth });
    } catch (error) {
      cy?.destroy();
      cy = null;
      canvas.hidden = true;
      details.hidden = true;
      status.textContent = error.code === 'UNAVAILABLE' && error.status === 503
        ? 'Lineage is not available on this server.'
        : error.status === 404 ? 'No lineage recorded for this node yet.'
          : `Lineage could not be loaded: ${error.message}`;
      return;
    }
    const nodes = graph.nodes ?? [];
    const edges = graph.edges ?? [];
    canvas.dataset.nodeCount = String(nodes.length);
    if (nodes.length === 0) {
      canvas.hidden = true;
      details.hidden = true;
      status.textContent = 'No lineage recorded for this node yet.';
      return;
    }
    canvas.hidden = false;
    details.hidden = false;
    status.textContent = `${nodes.length} node${nodes.length === 1 ? '' : 's'}, ${edges.length} edge${edges.length === 1 ? '' : 's'}${graph.truncated ? ' (truncated)' : ''}.`;
    replace(nodeList, nodes.map((node) => {
      const href = nodeHref(node);
      return h('li', {}, h('span', { class: `badge type-${node.type}` }, node.type), ' ',
               href && node.id !== nodeId ? h('a', { href }, nodeLabel(node)) : nodeLabel(node),
               node.namespace ? h('span', { class: 'muted' }, ` ${node.namespace}`) : null);
    }));

    const cytoscape = await loadCytoscape();
    cy?.destroy();
    const accent = cssVariable('--accent', '#2457d6');
    const text = cssVariable('--text', '#1b1f24');
    const surface = cssVariable('--surface', '#ffffff');
    const muted = cssVariable('--muted', '#5b6472');
    cy = cytoscape({
      container: canvas,
      elements: [
        ...nodes.map((node) => ({
          data: { id: node.id, label: nodeLabel(node), type: node.type, href: nodeHref(node) ?? '' },
          // At dataset level a product is its datasets: they are marked.
          classes: [node.type, node.id === nodeId ? 'focus' : '',
                    node.productUrn && node.productUrn === nodeId ? 'own' : ''].join(' '),
        })),
        ...edges.filter((edge) => nodes.some((n) => n.id === edge.source) && nodes.some((n) => n.id === edge.target))
          .map((edge, index) => ({ data: { id: `edge-${index}`, source: edge.source, target: edge.target } })),
      ],
      layout: { name: 'dagre', rankDir: 'LR', nodeSep: 24, rankSep: 64, padding: 16, fit: true },
      boxSelectionEnabled: false,
      autoungrabify: true,
      minZoom: 0.3,
      maxZoom: 2.5,
      style: [
        { selector: 'node', style: {
          label: 'data(label)', 'font-size': 12, color: text, 'text-valign': 'center',
          'text-halign': 'center', shape: 'round-rectangle', width: labelWidth, height: 28,
          padding: 10, 'background-color': surface, 'border-width': 1.5, 'border-color': muted,
        } },
        { selector: 'node.product', style: { 'border-color': accent, 'border-width': 2 } },
        { selector: 'node.job', style: { shape: 'ellipse', 'border-style': 'dashed' } },
        { selector: 'node.own', style: { 'border-color': accent, 'border-width': 3, 'font-weight': 'bold' } },
        { selector: 'node.focus', style: { 'background-color': accent, color: '#ffffff', 'border-color': accent } },
        { selector: 'edge', style: {
          width: 1.5, 'line-color': muted, 'target-arrow-color': muted,
          'target-arrow-shape': 'triangle', 'curve-style': 'bezier',
        } },
      ],
    });
    // A small graph fitted to the canvas would be blown up; keep text at
    // reading size.
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center();
    }
    cy.on('mouseover', 'node', (event) => {
      canvas.style.cursor = event.target.data('href') && event.target.id() !== nodeId ? 'pointer' : '';
    });
    cy.on('mouseout', 'node', () => { canvas.style.cursor = ''; });
    cy.on('tap', 'node', (event) => {
      const href = event.target.data('href');
      if (href && event.target.id() !== nodeId) navigate(href).then(() => window.scrollTo(0, 0));
    });
  }

  draw();
  return section;
}
