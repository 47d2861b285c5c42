// The app's service worker: the app shell from its own cache (so a repeat visit and an offline start need no
// network), and Web Push notices shown while the app is closed. It never caches the API or the hub.
self.importScripts('./service-worker-assets.js');

const shellCache = 'parking-shell-' + self.assetsManifest.version;
const shellFiles = [/\.dll$/, /\.wasm$/, /\.html$/, /\.js$/, /\.json$/, /\.css$/, /\.woff2?$/, /\.png$/, /\.dat$/, /\.webmanifest$/];
const neverCached = [/^service-worker/];
const live = /^\/(api|hubs|health|openapi)(\/|$)/;

self.addEventListener('install', event => {
    // Where the browser can, it answers the runtime's files from this cache itself, without waking this worker's
    // script for each of them (they are fingerprinted: a new build has new names and a new cache); a file missing
    // from the cache goes to the network.
    if (event.addRoutes && typeof URLPattern === 'function') {
        event.waitUntil(event.addRoutes({
            condition: { urlPattern: new URLPattern({ pathname: new URL('_framework/', self.registration.scope).pathname + '*' }) },
            source: { cacheName: shellCache },
        }).catch(() => { }));
    }

    event.waitUntil(install());
});
self.addEventListener('activate', event => event.waitUntil(activate()));
self.addEventListener('fetch', event => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.origin !== self.location.origin || live.test(url.pathname)) {
        return;
    }

    event.respondWith(fromShell(request));
});

async function install() {
    // The files were just fetched by the page (with their hashes in the manifest): the HTTP cache answers most.
    const cache = await caches.open(shellCache);
    const files = self.assetsManifest.assets
        .filter(asset => shellFiles.some(pattern => pattern.test(asset.url)))
        .filter(asset => !neverCached.some(pattern => pattern.test(asset.url)));
    await cache.addAll(files.map(asset => new Request(asset.url, { cache: 'default' })));
    await cache.add(new Request('./', { cache: 'no-cache' }));
    await self.skipWaiting();
}

async function activate() {
    const names = await caches.keys();
    await Promise.all(names.filter(name => name.startsWith('parking-shell-') && name !== shellCache).map(name => caches.delete(name)));
    await self.clients.claim();
}

async function fromShell(request) {
    const cache = await caches.open(shellCache);
    // Every page of the app is the same shell: index.html, which the cache keeps under the app's root.
    const key = request.mode === 'navigate' ? new URL('./', self.location).href : request;
    const cached = await cache.match(key, { ignoreSearch: request.mode === 'navigate' });
    return cached ?? fetch(request);
}

self.addEventListener('push', event => {
    let notice;
    try {
        notice = event.data ? event.data.json() : null;
    } catch {
        notice = null;
    }

    if (!notice || !notice.id) {
        return;
    }

    event.waitUntil(self.registration.showNotification(notice.title, {
        body: notice.body,
        tag: notice.id, // the same notice twice replaces itself instead of showing two
        icon: 'icon-192.png',
        badge: 'icon-192.png',
        renotify: false,
        requireInteraction: notice.kind === 'shelter-alarm',
        data: { id: notice.id, link: notice.link, channel: notice.channel },
    }));
});

self.addEventListener('notificationclick', event => {
    event.notification.close();
    const data = event.notification.data || {};
    const target = new URL('notices', self.location);
    target.searchParams.set('clicked', data.id || '');
    target.searchParams.set('channel', data.channel || 'inbox');
    target.searchParams.set('then', data.link || '/notices');
    event.waitUntil(openOrFocus(target.href));
});

async function openOrFocus(href) {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
        if ('navigate' in client) {
            await client.focus();
            return client.navigate(href);
        }
    }

    return self.clients.openWindow(href);
}
