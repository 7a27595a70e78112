/** A fetch that records what crossed the wire (URLs, Authorization headers, bodies), for leak and ordering checks. */
export interface WireEntry {
  url: string;
  method: string;
  authorization?: string;
  requestBody?: string;
  status?: number;
  responseBody?: string;
}

export function captureFetch(log: WireEntry[]): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    const entry: WireEntry = {
      url,
      method: init?.method ?? 'GET',
      authorization: headers.get('authorization') ?? undefined,
      requestBody: typeof init?.body === 'string' || init?.body instanceof URLSearchParams ? init.body.toString() : undefined,
    };
    log.push(entry);
    const response = await fetch(input, init);
    const text = await response
      .clone()
      .text()
      .catch(() => '');
    entry.status = response.status;
    entry.responseBody = text;
    return response;
  };
}
