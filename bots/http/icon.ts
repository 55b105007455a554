import type { FastifyInstance } from 'fastify';

/** ownerbot's icon: a house in the web chat's brand colour, drawn small enough for a tab. */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0f766e"/>' +
  '<path fill="#fff" d="M16 6 5 15h3v11h6v-7h4v7h6V15h3z"/></svg>';

/**
 * The icon inside each page's head, so a browser has it without asking the server (a page
 * without one makes the browser ask for /favicon.ico, which every page would then answer).
 */
export const ICON_LINK = `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(ICON_SVG)}">`;

/** /favicon.ico for whatever a browser opens without a page head (JSON, exports, /healthz). */
export function registerIcon(server: FastifyInstance): void {
  server.get('/favicon.ico', async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(ICON_SVG),
  );
}
