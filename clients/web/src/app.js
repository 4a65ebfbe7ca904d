// The meshdex catalog UI: a single-page app over the HTTP/JSON API. The server
// answers index.html for every page URL; this module picks the page from the
// path and keeps navigation client-side (history API), so moving between
// pages costs one API call, not a reload.
import { renderSearch } from './search.js';
import { renderProduct } from './product.js';
import { renderDataset } from './dataset.js';
import { h, replace } from './dom.js';
import { navigate, setRouter } from './nav.js';

const main = document.getElementById('main');

// Page for the current location.
async function route() {
  const path = location.pathname;
  const product = /^\/products\/([^/]+)\/([^/]+)\/?$/.exec(path);
  // /datasets/<namespace>/<name>, each URI-encoded (namespaces hold '/').
  const dataset = /^\/datasets\/(.+)\/([^/]+)\/?$/.exec(path);
  try {
    if (path === '/') {
      await renderSearch(main, new URLSearchParams(location.search));
    } else if (product) {
      await renderProduct(main, decodeURIComponent(product[1]), decodeURIComponent(product[2]));
    } else if (dataset) {
      await renderDataset(main, decodeURIComponent(dataset[1]), decodeURIComponent(dataset[2]));
    } else {
      document.title = 'Not found · meshdex';
      replace(main, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '/' }, 'Search the catalog')));
    }
  } catch (error) {
    replace(main, h('div', { class: 'error', role: 'alert' },
                    h('h1', {}, 'Something went wrong'), h('p', {}, error.message)));
  }
}

// Same-origin links navigate client-side unless the user asks for a new tab.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
      event.shiftKey || event.altKey) {
    return;
  }
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/v1/') ||
      url.pathname.startsWith('/api/') || url.pathname.startsWith('/ui/')) {
    return;
  }
  event.preventDefault();
  navigate(url.pathname + url.search).then(() => {
    if (!url.search && location.pathname !== '/') window.scrollTo(0, 0);
  });
});

setRouter(route);
window.addEventListener('popstate', route);

// "/" focuses the search box from anywhere (unless typing in a field).
document.addEventListener('keydown', (event) => {
  if (event.key !== '/' || event.target.closest('input, textarea, select')) return;
  const box = document.getElementById('search-input');
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  } else {
    event.preventDefault();
    navigate('/').then(() => document.getElementById('search-input')?.focus());
  }
});

route();
