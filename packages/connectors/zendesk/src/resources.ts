import { z } from 'zod';
import { zendesk } from './connector.js';
import { loadTicket } from './operations.js';
import { encodeCommentsCursor } from './paging.js';

const RESOURCE_COMMENTS = 20;

export const ticketResource = zendesk.resource({
  name: 'ticket',
  title: 'Zendesk ticket',
  description:
    'A Zendesk ticket with its requester, organization and first 20 comments: the same data as the ' +
    'get_ticket tool with its defaults.',
  uriTemplate: 'tickets/{id}',
  params: z.object({
    id: z
      .string()
      .regex(/^[1-9]\d{0,15}$/)
      .describe('Zendesk ticket id (digits).'),
  }),
  scopes: ['support:read'],
  async read(params, ctx) {
    const id = Number(params.id);
    const { detail, afterCursor } = await loadTicket(
      { client: ctx.client, instance: ctx.instance, upstream: ctx.upstream },
      id,
      { limit: RESOURCE_COMMENTS },
    );
    return {
      json: {
        ...detail,
        nextCommentsCursor: afterCursor === undefined ? undefined : encodeCommentsCursor(id, afterCursor),
      },
    };
  },
});
