// The search page, `/?q=...&f=field:value&page=TOKEN`: a search box with
// typeahead, hits with highlighted snippets, a facet sidebar with counts,
// active filters as removable chips, did-you-mean and paging. Everything the
// page shows follows from its URL, so any state can be linked or bookmarked.
import { api, datasetHref, parseNodeId, parseProductUrn, productHref } from './api.js';
import { h, replace, snippetNodes } from './dom.js';
import { navigate } from './nav.js';

const FACETS = [
  ['domain', 'Domain'], ['type', 'Type'], ['lifecycle', 'Lifecycle'], ['governance', 'Governance'],
  ['owner', 'Owner'], ['tag', 'Tag'], ['kind', 'Port kind'], ['classification', 'Classification'],
];
const FACET_LABELS = Object.fromEntries(FACETS);
const PAGE_SIZE = 20;
// Values shown per facet before "Show more".
const FACET_PREVIEW = 8;

// What the URL says.
function readState(params) {
  return {
    query: params.get('q') ?? '',
    filters: params.getAll('f').filter((filter) => /^[a-z]+:.+/.test(filter)),
    page: params.get('page') ?? '',
  };
}

function urlFor({ query, filters, page }) {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  for (const filter of filters) params.append('f', filter);
  if (page) params.set('page', page);
  const text = params.toString();
  return text ? `/?${text}` : '/';
}

// The query the server gets: free text plus field:value filters (values
// with spaces or quotes are quoted).
function serverQuery({ query, filters }) {
  const filterTokens = filters.map((filter) => {
    const colon = filter.indexOf(':');
    const value = filter.slice(colon + 1);
    return /[\s"]/.test(value) ? `${filter.slice(0, colon)}:"${value.replaceAll('"', '')}"` : filter;
  });
  return [query.trim(), ...filterTokens].filter(Boolean).join(' ');
}

function hitHref(hit) {
  if (hit.type === 'product') {
    const product = parseProductUrn(hit.urn);
    if (product) return productHref(product.domain, product.name);
  }
  if (hit.type === 'dataset') {
    const node = parseNodeId(hit.urn);
    if (node) return datasetHref(node.namespace, node.name);
  }
  return null;
}

// The page's fixed frame, built once; later renders only update its parts.
function buildFrame(main) {
  const input = h('input', {
    id: 'search-input', type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
    'aria-controls': 'suggestions', 'aria-label': 'Search the catalog',
    placeholder: 'Search data products, datasets, owners, tags…',
  });
  const suggestions = h('ul', { id: 'suggestions', role: 'listbox', class: 'suggestions', hidden: true,
                                'aria-label': 'Suggestions' });
  const form = h('form', { class: 'searchbar', role: 'search' },
                 h('div', { class: 'combo' }, input, suggestions),
                 h('button', { type: 'submit', class: 'primary' }, 'Search'));
  const frame = {
    input, suggestions, form,
    chips: h('div', { class: 'chips', 'aria-label': 'Active filters' }),
    facets: h('aside', { class: 'facets', 'aria-label': 'Refine by' }),
    results: h('section', { class: 'results', 'aria-live': 'polite', 'aria-busy': 'false' }),
  };
  replace(main,
          h('div', { class: 'search-page' },
            h('h1', { class: 'visually-hidden' }, 'Search the catalog'),
            form, frame.chips,
            h('div', { class: 'search-layout' }, frame.facets, frame.results)));
  main.dataset.page = 'search';
  main.searchFrame = frame;
  attachTypeahead(frame);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    frame.closeSuggestions();
    const state = readState(new URLSearchParams(location.search));
    navigate(urlFor({ ...state, query: input.value.trim(), page: '' }));
  });
  return frame;
}

export async function renderSearch(main, params) {
  const frame = main.dataset.page === 'search' && main.searchFrame ? main.searchFrame : buildFrame(main);
  const state = readState(params);
  if (document.activeElement !== frame.input || frame.input.value.trim() !== state.query) {
    frame.input.value = state.query;
  }
  document.title = state.query ? `${state.query} · meshdex` : 'meshdex catalog';
  renderChips(frame, state);
  frame.results.setAttribute('aria-busy', 'true');
  let response;
  try {
    response = await api.search({
      query: serverQuery(state), facets: FACETS.map(([name]) => name), pageToken: state.page,
      pageSize: PAGE_SIZE,
    });
  } catch (error) {
    replace(frame.facets);
    replace(frame.results, h('div', { class: 'error', role: 'alert' },
                             h('p', {}, `Search failed: ${error.message}`)));
    return;
  } finally {
    frame.results.setAttribute('aria-busy', 'false');
  }
  renderFacets(frame, state, response.facets ?? []);
  renderResults(frame, state, response);
}

function renderChips(frame, state) {
  replace(frame.chips, state.filters.map((filter) => {
    const colon = filter.indexOf(':');
    const field = filter.slice(0, colon);
    const value = filter.slice(colon + 1);
    return h('span', { class: 'chip' },
             h('span', { class: 'chip-field' }, `${FACET_LABELS[field] ?? field}:`), ` ${value}`,
             h('button', {
               type: 'button', class: 'chip-remove', 'aria-label': `Remove filter ${field} ${value}`,
               onclick: () => navigate(urlFor({
                 ...state, filters: state.filters.filter((other) => other !== filter), page: '',
               })),
             }, '×'));
  }));
  if (state.filters.length > 1) {
    frame.chips.append(h('button', {
      type: 'button', class: 'link-button',
      onclick: () => navigate(urlFor({ ...state, filters: [], page: '' })),
    }, 'Clear all'));
  }
}

function renderFacets(frame, state, facets) {
  const byName = Object.fromEntries(facets.map((facet) => [facet.name, facet.values ?? []]));
  const sections = FACETS.filter(([name]) => (byName[name] ?? []).length > 0).map(([name, label]) => {
    const values = byName[name];
    const list = h('ul', { class: 'facet-values' });
    values.forEach((value, index) => {
      const filter = `${name}:${value.value}`;
      const active = state.filters.includes(filter);
      const toggled = active ? state.filters.filter((other) => other !== filter)
                             : [...state.filters, filter];
      list.append(h('li', { hidden: index >= FACET_PREVIEW },
                    h('a', {
                      class: `facet-value${active ? ' active' : ''}`,
                      href: urlFor({ ...state, filters: toggled, page: '' }),
                      'aria-current': active ? 'true' : false,
                    },
                    h('span', { class: 'facet-label' }, value.value),
                    h('span', { class: 'count', 'aria-label': `${value.count} results` }, value.count))));
    });
    const more = values.length > FACET_PREVIEW
      ? h('button', {
          type: 'button', class: 'link-button',
          onclick: (event) => {
            list.querySelectorAll('li[hidden]').forEach((item) => { item.hidden = false; });
            event.target.remove();
          },
        }, `Show ${values.length - FACET_PREVIEW} more`)
      : null;
    return h('section', { class: 'facet', dataset: { facet: name } },
             h('h2', {}, label), list, more);
  });
  replace(frame.facets, sections);
}

function renderResults(frame, state, response) {
  const hits = response.hits ?? [];
  const total = Number(response.totalEstimate ?? 0);
  const parts = [];
  if (response.didYouMean) {
    parts.push(h('p', { class: 'did-you-mean' }, 'Did you mean ',
                 h('a', { href: urlFor({ query: response.didYouMean, filters: [], page: '' }) },
                   response.didYouMean), '?'));
  }
  if (hits.length === 0) {
    parts.push(h('div', { class: 'empty' },
                 h('p', {}, state.query || state.filters.length ? 'Nothing matches.' : 'The catalog is empty.'),
                 state.filters.length ? h('p', {}, 'Try removing a filter.') : null));
    replace(frame.results, parts);
    return;
  }
  parts.push(h('p', { class: 'summary' },
               `${response.approximate ? 'About ' : ''}${total} result${total === 1 ? '' : 's'}`));
  parts.push(h('ol', { class: 'hits' }, hits.map((hit) => {
    const href = hitHref(hit);
    const title = hit.title || hit.urn;
    return h('li', { class: 'hit' },
             h('div', { class: 'hit-head' },
               href ? h('a', { class: 'hit-title', href }, title) : h('span', { class: 'hit-title' }, title),
               h('span', { class: `badge type-${hit.type}` }, hit.type),
               hit.domain ? h('a', {
                 class: 'badge domain',
                 href: urlFor({ query: state.query, filters: [...new Set([...state.filters, `domain:${hit.domain}`])], page: '' }),
               }, hit.domain) : null),
             h('div', { class: 'hit-urn' }, hit.urn),
             hit.snippet ? h('p', { class: 'snippet' }, snippetNodes(hit.snippet)) : null);
  })));
  const history = window.history.state ?? {};
  const pager = h('nav', { class: 'pager', 'aria-label': 'Result pages' });
  if (state.page && history.previousPage !== undefined) {
    pager.append(h('button', { type: 'button', onclick: () => window.history.back() }, '← Previous'));
  } else if (state.page) {
    pager.append(h('a', { href: urlFor({ ...state, page: '' }) }, '← First page'));
  }
  if (response.nextPageToken) {
    pager.append(h('button', {
      type: 'button', class: 'next',
      onclick: () => navigate(urlFor({ ...state, page: response.nextPageToken }),
                              { state: { previousPage: state.page } }).then(() => window.scrollTo(0, 0)),
    }, 'Next →'));
  }
  if (pager.childElementCount) parts.push(pager);
  replace(frame.results, parts);
}

// Typeahead over /v1/suggest: arrow keys move through the list, Enter picks,
// Escape closes. An entity suggestion opens its page; a term searches.
function attachTypeahead(frame) {
  const { input, suggestions } = frame;
  let timer = null;
  let latest = 0;
  let active = -1;
  let items = [];

  const setActive = (index) => {
    active = index;
    [...suggestions.children].forEach((option, i) => {
      option.setAttribute('aria-selected', i === active ? 'true' : 'false');
    });
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', suggestions.children[active].id);
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  // Hides the list and drops answers still on their way.
  const close = () => {
    clearTimeout(timer);
    latest += 1;
    suggestions.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };
  frame.closeSuggestions = close;
  const choose = (item) => {
    close();
    const product = item.type === 'product' ? parseProductUrn(item.urn) : null;
    if (product) {
      navigate(productHref(product.domain, product.name));
      return;
    }
    input.value = item.text;
    const state = readState(new URLSearchParams(location.search));
    navigate(urlFor({ ...state, query: item.text, page: '' }));
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const prefix = input.value.trim();
    if (!prefix) {
      close();
      return;
    }
    timer = setTimeout(async () => {
      const request = ++latest;
      let response;
      try {
        response = await api.suggest(prefix);
      } catch {
        return;
      }
      // A slower answer to an older prefix must not replace a newer one.
      if (request !== latest || input.value.trim() !== prefix) return;
      items = response.suggestions ?? [];
      replace(suggestions, items.map((item, index) => h('li', {
        id: `suggestion-${index}`, role: 'option', class: 'suggestion', 'aria-selected': 'false',
        onmousedown: (event) => event.preventDefault(),
        onclick: () => choose(item),
      }, h('span', { class: 'suggestion-text' }, item.text),
         h('span', { class: 'suggestion-kind' }, item.type || 'search'))));
      suggestions.hidden = items.length === 0;
      input.setAttribute('aria-expanded', String(items.length > 0));
      active = -1;
    }, 120);
  });
  input.addEventListener('keydown', (event) => {
    if (suggestions.hidden) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((active + 1) % items.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      choose(items[active]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', close);
}
