/** Raw JSON-RPC over the MCP endpoint, for tests about HTTP behaviour that an SDK client hides. */

/** The headers a Streamable HTTP client sends with every POST. */
export const MCP_POST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
} as const;

export interface RpcRequest {
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

/** A `tools/call` request. */
export function toolCall(id: number, name: string, args: Record<string, unknown>): RpcRequest {
  return { id, method: 'tools/call', params: { name, arguments: args } };
}

/** POSTs one JSON-RPC request (or a raw body, to test malformed input) with the client's headers. */
export function postRpc(
  url: string | URL,
  request: RpcRequest | string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    ...(signal ? { signal } : {}),
    headers: { ...MCP_POST_HEADERS, ...headers },
    body: typeof request === 'string' ? request : JSON.stringify({ jsonrpc: '2.0', ...request }),
  });
}
