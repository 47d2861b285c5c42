// Registers the service worker (the app calls it after its first render, so the worker's first install finds
// the app's files in the HTTP cache instead of racing the app for them), and subscribes this browser to Web Push.
window.parkingPwa = {
    register: async function () {
        if (!('serviceWorker' in navigator)) {
            return 'unsupported';
        }

        try {
            await navigator.serviceWorker.register('service-worker.js', { scope: './' });
            return 'registered';
        } catch (e) {
            return 'failed: ' + e;
        }
    },

    pushState: async function () {
        if (!('serviceWorker' in navigator) || !('PushManager' in window)) {
            return 'unsupported';
        }

        const registration = await navigator.serviceWorker.getRegistration();
        const subscription = registration ? await registration.pushManager.getSubscription() : null;
        return subscription ? 'subscribed' : (Notification.permission === 'denied' ? 'denied' : 'off');
    },

    // Returns { endpoint, p256dh, auth }, or { error } in words the page shows.
    subscribe: async function (publicKey) {
        if (!('serviceWorker' in navigator) || !('PushManager' in window)) {
            return { error: 'unsupported' };
        }

        const permission = await Notification.requestPermission();
        if (permission !== 'granted') {
            return { error: 'denied' };
        }

        const registration = await navigator.serviceWorker.ready;
        try {
            const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey) });
            const json = subscription.toJSON();
            return { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth };
        } catch (e) {
            return { error: String(e) };
        }
    },

    // Returns the endpoint it removed, or null.
    unsubscribe: async function () {
        const registration = await navigator.serviceWorker.getRegistration();
        const subscription = registration ? await registration.pushManager.getSubscription() : null;
        if (!subscription) {
            return null;
        }

        const endpoint = subscription.endpoint;
        await subscription.unsubscribe();
        return endpoint;
    },
};

function fromBase64Url(text) {
    const base64 = (text + '='.repeat((4 - text.length % 4) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64), c => c.charCodeAt(0));
}
