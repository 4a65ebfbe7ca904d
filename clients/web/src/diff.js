// Line diff (longest common subsequence) for comparing two revisions.

// Lines of `before` and `after` as [{op: ' ' | '-' | '+', text}], in order.
// The common prefix and suffix are matched first, so the quadratic part only
// covers the changed middle (bounded by maxCells, beyond which the middle is
// shown as all removed then all added).
export function diffLines(before, after, maxCells = 4_000_000) {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const result = a.slice(0, start).map((text) => ({ op: ' ', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if ((n + 1) * (m + 1) > maxCells) {
    result.push(...midA.map((text) => ({ op: '-', text })), ...midB.map((text) => ({ op: '+', text })));
  } else {
    // lcs[i * (m + 1) + j]: LCS length of midA[i..] and midB[j..].
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        lcs[i * (m + 1) + j] = midA[i] === midB[j]
          ? lcs[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (midA[i] === midB[j]) {
        result.push({ op: ' ', text: midA[i] });
        i += 1;
        j += 1;
      } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
        result.push({ op: '-', text: midA[i] });
        i += 1;
      } else {
        result.push({ op: '+', text: midB[j] });
        j += 1;
      }
    }
    while (i < n) result.push({ op: '-', text: midA[i++] });
    while (j < m) result.push({ op: '+', text: midB[j++] });
  }
  result.push(...a.slice(endA).map((text) => ({ op: ' ', text })));
  return result;
}

// Only changed lines and `context` lines around them; skipped runs become
// {op: '…', text: 'N unchanged lines'}.
export function withContext(lines, context = 3) {
  const keep = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.op === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k += 1) {
      keep[k] = true;
    }
  });
  const shown = [];
  let skipped = 0;
  lines.forEach((line, index) => {
    if (keep[index]) {
      if (skipped) shown.push({ op: '…', text: `${skipped} unchanged line${skipped === 1 ? '' : 's'}` });
      skipped = 0;
      shown.push(line);
    } else {
      skipped += 1;
    }
  });
  if (skipped) shown.push({ op: '…', text: `${skipped} unchanged line${skipped === 1 ? '' : 's'}` });
  return shown;
}
