/** What must be kept server-side between sending the browser to Zoom and the callback. */
export interface PendingAuthorization {
  /** Where to send the browser. */
  url: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
  createdAt: number;
}
