// A bounded top-k heap of (score, id) entries that survives across kernel calls.
//
// topk.ts keeps its heap for ONE contiguous scan whose row numbers only increase, so a strict
// "score > root" test is enough there. The IVF and int8 scans visit ids (slots) in any order and
// one query scans several lists, so this heap compares both keys and its size is passed in and
// returned by every call: the caller owns the two buffers (ids: i32[k], scores: f32[k]) and the
// size between calls, and finally sorts them with heapSortTopK.
//
// Order: higher score first; among equal scores the lower id first (a total order, so the k kept
// entries do not depend on the order in which they were offered). The heap is a binary MIN-heap
// on that order: its root is the worst entry kept.

/** True when entry (sa, ia) ranks strictly below entry (sb, ib). */
// @ts-ignore: decorator
@inline export function worse(sa: f32, ia: i32, sb: f32, ib: i32): bool {
  // A NaN score (an int8 estimate can overflow too) ranks below every number, so it never keeps a
  // real score out of the heap; among NaNs the lower id first, as for equal scores.
  if (sa != sa || sb != sb) return sb == sb || (sa != sa && ia > ib);
  return sa < sb || (sa == sb && ia > ib);
}

// @ts-ignore: decorator
@inline function idAt(ids: usize, i: i32): i32 {
  return load<i32>(ids + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function scoreAt(scores: usize, i: i32): f32 {
  return load<f32>(scores + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function put(ids: usize, scores: usize, i: i32, id: i32, s: f32): void {
  store<i32>(ids + (<usize>i << 2), id);
  store<f32>(scores + (<usize>i << 2), s);
}

function siftUp(ids: usize, scores: usize, i: i32, id: i32, s: f32): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pi = idAt(ids, p);
    const ps = scoreAt(scores, p);
    if (!worse(s, id, ps, pi)) break;
    put(ids, scores, i, pi, ps);
    i = p;
  }
  put(ids, scores, i, id, s);
}

function siftDown(ids: usize, scores: usize, i: i32, size: i32, id: i32, s: f32): void {
  while (true) {
    let c = (i << 1) + 1;
    if (c >= size) break;
    let ci = idAt(ids, c);
    let cs = scoreAt(scores, c);
    const c2 = c + 1;
    if (c2 < size) {
      const i2 = idAt(ids, c2);
      const s2 = scoreAt(scores, c2);
      if (worse(s2, i2, cs, ci)) {
        c = c2;
        ci = i2;
        cs = s2;
      }
    }
    if (!worse(cs, ci, s, id)) break;
    put(ids, scores, i, ci, cs);
    i = c;
  }
  put(ids, scores, i, id, s);
}

/**
 * Offers (s, id) to a heap holding `size` of at most `k` entries; returns the new size. The
 * caller should test `admits` first on hot paths (this call is not inlined).
 */
export function heapOffer(ids: usize, scores: usize, size: i32, k: i32, id: i32, s: f32): i32 {
  if (size < k) {
    siftUp(ids, scores, size, id, s);
    return size + 1;
  }
  if (worse(scoreAt(scores, 0), idAt(ids, 0), s, id)) siftDown(ids, scores, 0, size, id, s);
  return size;
}

/** Whether (s, id) would enter a heap of `size` entries out of `k` (root passed in by the caller). */
// @ts-ignore: decorator
@inline export function admits(size: i32, k: i32, rootScore: f32, rootId: i32, s: f32, id: i32): bool {
  return size < k || worse(rootScore, rootId, s, id);
}

/** Score of the root (worst kept entry); only meaningful when size > 0. */
// @ts-ignore: decorator
@inline export function rootScore(scores: usize): f32 {
  return load<f32>(scores);
}

/** Id of the root (worst kept entry); only meaningful when size > 0. */
// @ts-ignore: decorator
@inline export function rootId(ids: usize): i32 {
  return load<i32>(ids);
}

/** Sorts a heap of `size` entries in place, best first (heapsort). */
export function heapSortTopK(ids: usize, scores: usize, size: i32): void {
  for (let end = size - 1; end > 0; end--) {
    const topId = idAt(ids, 0);
    const topScore = scoreAt(scores, 0);
    siftDown(ids, scores, 0, end, idAt(ids, end), scoreAt(scores, end));
    put(ids, scores, end, topId, topScore);
  }
}
