// Client-side navigation (history API). app.js installs the router that
// renders the page for the current location.
let router = async () => {};

export function setRouter(render) {
  router = render;
}

// Goes to `url` without a reload. `replace` rewrites the current history entry
// instead of adding one (e.g. while refining a search); `state` travels with
// the entry.
export function navigate(url, { replace = false, state = null } = {}) {
  if (replace) {
    history.replaceState(state, '', url);
  } else {
    history.pushState(state, '', url);
  }
  return router();
}
