/**
 * Redirect URLs of the demo's account-level OAuth app by default: Zoomtrail on
 * port 8080. Its own module so `zoomtrail simulate --help` shows them without
 * loading the simulator.
 */
export const DEMO_REDIRECT_URIS: readonly string[] = ['http://localhost:8080/oauth/callback', 'http://127.0.0.1:8080/oauth/callback'];
