// Tiny DOM helpers: elements are built with text nodes and properties, never
// by parsing strings, so catalog content cannot inject markup.

// h('a', {href: '/x', class: 'link'}, 'text', childNode, [more, children])
// Attributes: `class`, `dataset` (object), `on<event>` (listener), booleans
// (true sets the attribute, false/null/undefined leaves it out), others as
// attributes.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') {
      element.className = value;
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, child);
    } else {
      parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
}

// Replaces the content of `element` with `children`.
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

// A snippet from the search index: HTML-escaped text with matches wrapped in
// <mark>...</mark>. Only those tags survive; anything else stays text.
export function snippetNodes(snippet) {
  const nodes = [];
  const decoder = document.createElement('textarea');
  const decode = (text) => {
    decoder.innerHTML = text;
    return decoder.value;
  };
  const parts = String(snippet).split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const part of parts) {
    if (part === '<mark>') {
      marked = true;
    } else if (part === '</mark>') {
      marked = false;
    } else if (part) {
      const text = decode(part);
      nodes.push(marked ? h('mark', {}, text) : document.createTextNode(text));
    }
  }
  return nodes;
}

export function formatTime(value) {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

// 900 -> "15 min", 90000 -> "1 d 1 h".
export function formatSeconds(total) {
  let seconds = Number(total);
  if (!Number.isFinite(seconds) || seconds <= 0) return '';
  const units = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]];
  const parts = [];
  for (const [unit, size] of units) {
    if (seconds >= size && parts.length < 2) {
      parts.push(`${Math.floor(seconds / size)} ${unit}`);
      seconds %= size;
    }
  }
  return parts.join(' ');
}
