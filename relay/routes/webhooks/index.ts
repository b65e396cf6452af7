// `POST /webhooks/drive`: Drive's push notifications for connected docs. The channel id and its
// secret token are checked before anything else (unknown channel 404, wrong token 401), the
// answer is immediate, and the read from the Sheets API happens after, coalesced per doc.
import type { FastifyInstance } from 'fastify';
import { fail } from '../../errors.ts';

/** Drive sends its facts in headers; a body, if any, is not read. */
const NOTIFICATION_BODY_LIMIT = 16 * 1024;

function header(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

export default async function webhookRoutes(app: FastifyInstance): Promise<void> {
  // Scoped to this plugin: whatever Drive sends as a body is skipped, not parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: NOTIFICATION_BODY_LIMIT }, (_request, _body, done) => done(null, null));

  app.post('/webhooks/drive', async (request, reply) => {
    const google = app.google;
    if (!google) throw fail('unknown_channel', 'no Drive channel is open on this relay');
    const h = request.headers;
    const verdict = await google.channels.verify(header(h['x-goog-channel-id']), header(h['x-goog-channel-token']), header(h['x-goog-resource-id']));
    if (!verdict.ok) {
      google.notification(verdict.status === 404 ? 'unknown_channel' : 'bad_token');
      throw verdict.status === 404 ? fail('unknown_channel', 'no Drive channel has this id') : fail('unauthorized', 'the channel token does not match');
    }
    const state = header(h['x-goog-resource-state']);
    google.notification(state === 'sync' ? 'sync_ignored' : 'read_scheduled');
    google.sync.notified(verdict.channel, state);
    return reply.code(204).send();
  });
}
