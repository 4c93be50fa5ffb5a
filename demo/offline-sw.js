/**
 * The demo's Service Worker: it makes the built demo work without its server once it has been
 * opened. Installing it stores every file of the build (the page, its scripts and workers, the
 * WASM kernels, the text model, the data files) in one Cache Storage cache named after the build;
 * activating it deletes the caches of older builds.
 *
 * Files under assets/ have a content hash in their names, so they are answered from the cache.
 * Everything else (the page, the data manifest, the data files, whose names stay the same when
 * they are regenerated) is fetched first and answered from the cache only when the network fails.
 *
 * It does not take over pages already open: the page that installed it keeps the network, and
 * the next load or reload is served through it. The file list and cache name are filled in by
 * demo/vite-offline.ts when the demo is built (the dev server registers no Service Worker).
 */
const PRECACHE = self.__PRECACHE__;
const CACHE = `veclite-demo-${PRECACHE.version}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE.files.map((file) => new URL(file, self.registration.scope).href));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('veclite-demo-') && name !== CACHE) await caches.delete(name);
      }
    })(),
  );
});

/** The cached answer for a request (a navigation gets the cached page). */
async function cached(request) {
  const cache = await caches.open(CACHE);
  if (request.mode === 'navigate') return cache.match(new URL('index.html', self.registration.scope).href);
  // ignoreVary: the server may answer with `Vary: Origin`, and a module script is requested with an
  // Origin header that the install's requests did not have.
  return cache.match(request, { ignoreSearch: true, ignoreVary: true });
}

async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const answer = await cached(request);
    if (answer) return answer;
    throw error;
  }
}

async function cacheFirst(request) {
  return (await cached(request)) ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const hashed = url.pathname.startsWith(new URL('assets/', self.registration.scope).pathname);
  event.respondWith(hashed ? cacheFirst(request) : networkFirst(request));
});
