import http from 'node:http';
import https from 'node:https';
import { Client } from '@hubspot/api-client';
import type { InstanceInfo, RunOptions, Upstream } from '@switchboard/kit';
import type { HubSpotConfig } from './config.js';

/**
 * The vendor client, and the one way a HubSpot request is sent: one generated-API call inside one
 * `upstream.run`, so the upstream seam (quota, deadline, Retry-After, failure rules of `profile.ts`)
 * sees every request the client makes.
 *
 * Why not the client's own retry (RetryDecorator in @hubspot/api-client 13.4.0): it waits 10 s x
 * attempt on a TEN_SECONDLY_ROLLING 429 (longer than any tool deadline), ignores Retry-After,
 * retries every 5xx (writes included, so a note could be created twice), logs with console.error,
 * and it is process-wide: `new Client()` replaces the decorators of a singleton
 * (ApiDecoratorService) that every API object built afterwards picks up. It would also send several
 * requests under one quota token. So the connector builds its clients with
 * `numberOfApiCallRetries: 0` and no limiter (no decorators at all) and materialises the API objects
 * it uses at once; the upstream seam does the retrying.
 */

export interface HubSpotClient {
  readonly api: Client;
  readonly config: HubSpotConfig;
}

/** Everything a HubSpot call needs beside the client: the call's upstream, and names for messages. */
export interface Scope {
  readonly client: HubSpotClient;
  readonly instance: InstanceInfo;
  readonly upstream: Upstream;
}

export function createHubSpotClient(config: HubSpotConfig): HubSpotClient {
  const api = new Client({
    accessToken: config.accessToken,
    basePath: config.basePath,
    numberOfApiCallRetries: 0,
  });
  // Build the API objects now, while the process-wide decorator list is the empty one this client
  // just installed: a later `new Client({ numberOfApiCallRetries: 3 })` elsewhere cannot change them.
  void api.crm.objects.basicApi;
  void api.crm.objects.searchApi;
  void api.crm.objects.batchApi;
  void api.crm.associations.v4.basicApi;
  return { api, config };
}

/** The per-call options the generated API methods take as their last argument. */
export interface RequestOptions {
  middleware: Array<{
    pre<C extends { setAgent(agent: http.Agent): void }>(context: C): Promise<C>;
    post<R>(context: R): Promise<R>;
  }>;
  middlewareMergeStrategy: 'append';
}

/**
 * Kept beside the seam because it is specific to this client: the generated client cannot take an
 * AbortSignal (its node-fetch call passes none), so the seam can abandon the promise but not close
 * the socket. It does take a per-call middleware that may set the request's `agent`: each request
 * gets an agent of its own, and the request's signal (deadline, cancellation, per-request timeout)
 * destroys that agent, which destroys the socket and fails the fetch. The cost is one connection per
 * request (no keep-alive).
 */
function withOwnAgent<T>(
  client: HubSpotClient,
  signal: AbortSignal,
  send: (options: RequestOptions) => Promise<T>,
): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const agent = client.config.basePath.startsWith('https:')
    ? new https.Agent({ keepAlive: false })
    : new http.Agent({ keepAlive: false });
  const destroy = () => agent.destroy();
  signal.addEventListener('abort', destroy, { once: true });
  const options: RequestOptions = {
    middleware: [
      {
        async pre(context) {
          context.setAgent(agent);
          return context;
        },
        async post(context) {
          return context;
        },
      },
    ],
    middlewareMergeStrategy: 'append',
  };
  return send(options).finally(() => {
    signal.removeEventListener('abort', destroy);
    agent.destroy();
  });
}

/**
 * Sends one HubSpot request: `call` must make exactly one generated-API call, with the options it
 * is given, so that one quota token is one HubSpot request.
 */
export function hubspotRequest<T>(
  scope: Pick<Scope, 'client' | 'upstream'>,
  name: string,
  call: (api: Client, options: RequestOptions) => Promise<T>,
  options?: RunOptions,
): Promise<T> {
  return scope.upstream.run(
    name,
    (signal) =>
      withOwnAgent(scope.client, signal, (requestOptions) => call(scope.client.api, requestOptions)),
    options,
  );
}
